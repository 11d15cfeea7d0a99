/**
 * The release of the hub's public contracts (the HTTP API and the events) that the generated documents
 * describe, as CHANGELOG.md lists it (semantic versioning, docs/versioning.md). A breaking change raises the
 * major and, for the part it breaks, the path version (/v2) or the events' schemaVersion.
 */
export const CONTRACT_VERSION = '1.2.0';
