// Which events a webhook or message broker gets, and which group messages: one fieldset both forms share.
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import {
  AbstractControl,
  FormArray,
  FormControl,
  FormGroup,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  ValidationErrors,
} from '@angular/forms';
import { GROUP_POLICIES, WEBHOOK_EVENTS, type GroupPolicy, type WebhookEvent } from '../core/api-types';
import { EVENT_DESCRIPTIONS, GROUP_POLICY_LABELS } from './webhook-events';

export type EventSelectionGroup = FormGroup<{
  /** One checkbox per event of WEBHOOK_EVENTS, in that order. */
  events: FormArray<FormControl<boolean>>;
  groupPolicy: FormControl<GroupPolicy>;
}>;

export interface EventSelectionValue {
  events: WebhookEvent[];
  groupPolicy: GroupPolicy;
}

const atLeastOneEvent = (events: AbstractControl<boolean[]>): ValidationErrors | null =>
  events.value.some(Boolean) ? null : { noEvent: true };

/** The server's defaults: every event, group messages only when the account is mentioned. */
export function eventSelectionGroup(formBuilder: NonNullableFormBuilder): EventSelectionGroup {
  return formBuilder.group({
    events: formBuilder.array(
      WEBHOOK_EVENTS.map((event) => event === '*'),
      atLeastOneEvent,
    ),
    groupPolicy: formBuilder.control<GroupPolicy>('mentions'),
  });
}

export function selectedEvents(group: EventSelectionGroup): EventSelectionValue {
  const { events, groupPolicy } = group.getRawValue();
  return { events: WEBHOOK_EVENTS.filter((_event, index) => events[index]), groupPolicy };
}

export function selectEvents(group: EventSelectionGroup, value: EventSelectionValue): void {
  group.setValue({
    events: WEBHOOK_EVENTS.map((event) => value.events.includes(event)),
    groupPolicy: value.groupPolicy,
  });
}

let nextId = 0;

@Component({
  selector: 'wago-event-selection',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
  template: `
    <ng-container [formGroup]="group()">
      <fieldset class="field fieldset" formArrayName="events">
        <legend class="field__label" i18n>Events</legend>
        @for (event of events; track event; let index = $index) {
          <label class="check">
            <input type="checkbox" [formControlName]="index" />
            <span
              ><code>{{ event }}</code> — {{ eventDescriptions[event] }}</span
            >
          </label>
        }
        @if (submitted() && group().controls.events.invalid) {
          <p class="field__error" role="alert" i18n>Choose at least one event.</p>
        }
      </fieldset>

      <div class="field">
        <label class="field__label" [for]="id + '-group-policy'" i18n>Group messages</label>
        <select class="input" [id]="id + '-group-policy'" formControlName="groupPolicy">
          @for (policy of groupPolicies; track policy) {
            <option [value]="policy">{{ groupPolicyLabels[policy] }}</option>
          }
        </select>
      </div>
    </ng-container>
  `,
})
export class EventSelection {
  readonly group = input.required<EventSelectionGroup>();
  /** Errors show once the form was submitted, as everywhere else. */
  readonly submitted = input(false);

  protected readonly id = `event-selection-${nextId++}`;
  protected readonly events = WEBHOOK_EVENTS;
  protected readonly eventDescriptions = EVENT_DESCRIPTIONS;
  protected readonly groupPolicies = GROUP_POLICIES;
  protected readonly groupPolicyLabels = GROUP_POLICY_LABELS;
}
