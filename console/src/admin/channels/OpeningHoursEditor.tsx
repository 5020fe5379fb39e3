import { createMemo, createUniqueId, For, Show } from 'solid-js';
import { Checkbox, Field } from '../forms';
import { WEEKDAYS, isKnownTimeZone, type DayForm } from './channel-form';

interface OpeningHoursEditorProps {
  enabled: boolean;
  timeZone: string;
  days: DayForm[];
  onEnabledChange(enabled: boolean): void;
  onTimeZoneChange(timeZone: string): void;
  onDayChange(index: number, change: Partial<DayForm>): void;
  /** Errors by field: `timeZone`, `openingHours` (the whole schedule) and `openingHours.MONDAY` … per day. */
  error(field: string): string | undefined;
}

/** Every IANA zone this browser knows, UTC first. */
export function timeZoneNames(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...supported.filter((zone) => zone !== 'UTC')];
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** "Tue 14:32" in a zone, so admins can check they picked the right one. */
export function localTimeIn(timeZone: string, at = new Date()): string | null {
  if (!isKnownTimeZone(timeZone)) return null;
  return new Intl.DateTimeFormat('en-GB', { timeZone: timeZone.trim(), weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/**
 * Opening hours per weekday in one time zone, each day open or closed with an optional break.
 * A closing time of 00:00 means midnight at the end of the day.
 */
export function OpeningHoursEditor(props: OpeningHoursEditorProps) {
  const listId = createUniqueId();
  const zones = timeZoneNames();
  const mine = browserTimeZone();
  const nowThere = createMemo(() => localTimeIn(props.timeZone));

  function copyMondayToWeekdays() {
    const monday = props.days[0]!;
    for (let index = 1; index < 5; index++) {
      const { weekday: _weekday, ...hours } = monday;
      props.onDayChange(index, hours);
    }
  }

  return (
    <div class="opening-hours" data-field="openingHours">
      <Checkbox
        label="Use opening hours"
        hint="Off: the channel takes chats whenever a member who can respond is Present. On: outside these hours visitors get the offline form."
        checked={props.enabled}
        onChange={(checked) => props.onEnabledChange(checked)}
      />
      <Show when={props.enabled}>
        <Field
          name="timeZone"
          label="Time zone"
          error={props.error('timeZone')}
          hint={nowThere() ? `It is ${nowThere()} there now.` : 'Type to search, e.g. Europe/Oslo.'}
        >
          {(control) => (
            <div class="input-with-action">
              <input
                {...control}
                type="text"
                list={listId}
                autocomplete="off"
                spellcheck={false}
                value={props.timeZone}
                onInput={(event) => props.onTimeZoneChange(event.currentTarget.value)}
              />
              <datalist id={listId}>
                <For each={zones}>{(zone) => <option value={zone} />}</For>
              </datalist>
              <Show when={props.timeZone !== mine}>
                <button type="button" class="button button-small" onClick={() => props.onTimeZoneChange(mine)}>
                  Use {mine}
                </button>
              </Show>
            </div>
          )}
        </Field>

        <div class="hours-table" role="table" aria-label="Opening hours per weekday">
          <div class="hours-row hours-head" role="row">
            <span role="columnheader">Day</span>
            <span role="columnheader">Hours</span>
            <span role="columnheader">Break</span>
          </div>
          <For each={props.days}>
            {(day, index) => {
              const label = WEEKDAYS.find((w) => w.value === day.weekday)!.label;
              const dayError = () => props.error(`openingHours.${day.weekday}`);
              const errorId = createUniqueId();
              const invalid = () => !!dayError();
              const described = () => (dayError() ? errorId : undefined);
              return (
                <div class="hours-row" classList={{ 'is-closed': !day.open, 'has-error': invalid() }} role="row" data-field={`openingHours.${day.weekday}`}>
                  <span role="rowheader" class="hours-day">
                    <Checkbox label={label} checked={day.open} aria-label={`Open on ${label}`} onChange={(open) => props.onDayChange(index(), { open })} />
                  </span>
                  <span role="cell" class="hours-times">
                    <Show when={day.open} fallback={<span class="muted">Closed</span>}>
                      <input
                        type="time"
                        aria-label={`${label} opens at`}
                        aria-invalid={invalid()}
                        aria-describedby={described()}
                        value={day.opensAt}
                        onInput={(event) => props.onDayChange(index(), { opensAt: event.currentTarget.value })}
                      />
                      <span aria-hidden="true">–</span>
                      <input
                        type="time"
                        aria-label={`${label} closes at`}
                        aria-invalid={invalid()}
                        aria-describedby={described()}
                        value={day.closesAt}
                        onInput={(event) => props.onDayChange(index(), { closesAt: event.currentTarget.value })}
                      />
                      <Show when={day.closesAt === '00:00'}>
                        <span class="muted small">(midnight)</span>
                      </Show>
                    </Show>
                  </span>
                  <span role="cell" class="hours-break">
                    <Show when={day.open}>
                      <Checkbox
                        label="Break"
                        aria-label={`${label} has a break`}
                        checked={day.hasBreak}
                        onChange={(hasBreak) => props.onDayChange(index(), { hasBreak })}
                      />
                      <Show when={day.hasBreak}>
                        <input
                          type="time"
                          aria-label={`${label} break starts at`}
                          aria-invalid={invalid()}
                          aria-describedby={described()}
                          value={day.breakStartsAt}
                          onInput={(event) => props.onDayChange(index(), { breakStartsAt: event.currentTarget.value })}
                        />
                        <span aria-hidden="true">–</span>
                        <input
                          type="time"
                          aria-label={`${label} break ends at`}
                          aria-invalid={invalid()}
                          aria-describedby={described()}
                          value={day.breakEndsAt}
                          onInput={(event) => props.onDayChange(index(), { breakEndsAt: event.currentTarget.value })}
                        />
                      </Show>
                    </Show>
                  </span>
                  <Show when={dayError()}>
                    <p id={errorId} class="field-error hours-error" role="cell">
                      {label}: {dayError()}
                    </p>
                  </Show>
                </div>
              );
            }}
          </For>
        </div>
        <Show when={props.error('openingHours')}>
          <p class="field-error" role="alert">
            {props.error('openingHours')}
          </p>
        </Show>
        <div class="row">
          <button type="button" class="button button-small" onClick={copyMondayToWeekdays} disabled={!props.days[0]?.open}>
            Copy Monday to Tuesday–Friday
          </button>
        </div>
      </Show>
    </div>
  );
}
