import type { Labeller } from '../i18n.ts';
import { WINDOW_DAYS } from '../data.ts';
import type { ScorecardWindow } from '../../metrics/scorecards/schema.ts';
import { formatInstant, html, type Html } from './html.ts';

/** Pieces several pages share: the window picker and the line that says which window is shown. */

export function windowPicker(t: Labeller, picked: { days: string; from: string; to: string }): Html {
  const custom = picked.days === 'custom';
  return html`<form method="get" class="window-picker" data-window-picker>
<label>${t('window.label')}
<select name="days" data-window-days>
${WINDOW_DAYS.map((days) => html`<option value="${days}"${picked.days === days ? html` selected` : ''}>${t('window.days', { n: days })}</option>`)}
<option value="custom"${custom ? html` selected` : ''}>${t('window.custom')}</option>
</select></label>
<span class="custom-dates" data-custom-dates>
<label>${t('window.from')} <input type="date" name="from" value="${picked.from}" required></label>
<label>${t('window.to')} <input type="date" name="to" value="${picked.to}" required></label>
</span>
<button type="submit">${t('window.apply')}</button>
</form>`;
}

export function windowLine(t: Labeller, window: ScorecardWindow, previous: ScorecardWindow | null, timeZone: string): Html {
  return html`<p class="window-line" data-window-from="${window.from}" data-window-to="${window.to}">${t('window.shown', {
    from: window.from,
    to: window.to,
    as_of: formatInstant(window.as_of, timeZone),
  })}${previous ? html` · ${t('window.previous', { from: previous.from, to: previous.to })}` : ''}</p>`;
}
