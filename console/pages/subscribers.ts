import type { SubscribersResponse } from '#api/operations-api.ts';
import type { Api } from '../api.ts';
import { barChart } from '../charts.ts';
import { bilingual, chartBox, el, figureCell, section, table } from '../dom.ts';
import { DEPARTMENT_LABELS, flat, LABELS, labelOf, STATE_LABELS } from '../labels.ts';

/** Subscribers: each queue's depth, oldest message and dead letters; one in trouble stands out. */
export async function renderSubscribers(main: HTMLElement, api: Api): Promise<void> {
  const { at, subscribers } = await api<SubscribersResponse>('/v1/subscribers');
  const { box, canvas } = chartBox();
  barChart(
    canvas,
    subscribers.map((s) => flat(labelOf(DEPARTMENT_LABELS, s.name))),
    [
      { label: flat(LABELS.waiting), data: subscribers.map((s) => s.queue.messages) },
      { label: flat(LABELS.inFlight), data: subscribers.map((s) => s.queue.inFlight) },
      { label: flat(LABELS.deadLetters), data: subscribers.map((s) => s.deadLetterQueue.messages) },
    ],
  );
  const rows = subscribers.map((s) => {
    const row = el(
      'tr',
      { 'data-subscriber': s.name, 'data-state': s.state },
      el('td', {}, bilingual(labelOf(DEPARTMENT_LABELS, s.name))),
      el('td', {}, el('span', { class: `state ${s.state}` }, flat(labelOf(STATE_LABELS, s.state)))),
      figureCell(s.queue.messages, `${s.name}.queue.messages`),
      figureCell(s.queue.inFlight, `${s.name}.queue.inFlight`),
      figureCell(s.queue.oldestMessageAgeSeconds, `${s.name}.queue.oldestMessageAgeSeconds`),
      figureCell(s.deadLetterQueue.messages, `${s.name}.deadLetterQueue.messages`),
      figureCell(s.deliveredLastHour, `${s.name}.deliveredLastHour`),
      figureCell(s.oldestMessageAlarmSeconds, `${s.name}.oldestMessageAlarmSeconds`),
    );
    if (s.state !== 'ok') row.classList.add('trouble');
    return row;
  });
  const listing = table(
    [
      { label: LABELS.subscriber },
      { label: LABELS.state },
      { label: LABELS.waiting, numeric: true },
      { label: LABELS.inFlight, numeric: true },
      { label: [`${LABELS.oldestAge[0]} (秒)`, `${LABELS.oldestAge[1]} (s)`], numeric: true },
      { label: LABELS.deadLetters, numeric: true },
      { label: LABELS.deliveredLastHour, numeric: true },
      { label: [`${LABELS.alarmAfter[0]} (秒)`, `${LABELS.alarmAfter[1]} (s)`], numeric: true },
    ],
    [],
  );
  listing.tBodies[0]?.append(...rows);
  const wide = section(['订阅方队列', `subscriber queues at ${at}`], box, listing);
  wide.classList.add('wide');
  main.append(wide);
}
