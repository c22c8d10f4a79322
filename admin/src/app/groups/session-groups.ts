// The groups a session is in, searchable by subject, and one group's members with their roles.
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  OnInit,
  afterNextRender,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { DatePipe } from '@angular/common';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import type { Group, GroupDetail, GroupRole } from '../core/api-types';
import { errorMessage } from '../core/errors';
import { injectFormSubmission } from '../core/forms';
import { LoadError } from '../core/load-error';
import { PagedList } from '../core/paged-list';
import { Pager } from '../core/pager';

const PAGE_SIZE = 25;

const ROLE_LABELS: Record<GroupRole, string> = {
  member: $localize`:group role:Member`,
  admin: $localize`:group role:Admin`,
  superadmin: $localize`:group role:Owner (superadmin)`,
};

@Component({
  selector: 'wago-session-groups',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, ReactiveFormsModule, LoadError, Pager],
  template: `
    @if (openGroup(); as open) {
      <section class="card" aria-labelledby="open-group-title">
        <div class="section-header">
          <h2 id="open-group-title" class="break" tabindex="-1" #groupHeading>{{ open.subject }}</h2>
          <button type="button" class="button" (click)="closeGroup()" i18n>Close group</button>
        </div>
        <p class="muted small">
          <span class="mono break">{{ open.jid }}</span>
        </p>
        @if (group(); as group) {
          @if (group.description) {
            <p class="pre-line">{{ group.description }}</p>
          }
          <div class="table-scroll">
            <table class="table table--cards">
              <caption class="visually-hidden" i18n>
                Members of
                {{
                  group.subject
                }}
              </caption>
              <thead>
                <tr>
                  <th scope="col" i18n>Phone-number JID</th>
                  <th scope="col">LID</th>
                  <th scope="col" i18n>Role</th>
                </tr>
              </thead>
              <tbody>
                @for (participant of group.participants; track $index) {
                  <tr>
                    <td data-label="Phone-number JID" i18n-data-label class="mono break">
                      {{ participant.pn ?? '—' }}
                    </td>
                    <td data-label="LID" class="mono break">{{ participant.lid ?? '—' }}</td>
                    <td data-label="Role" i18n-data-label>{{ roleLabels[participant.role] }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        } @else if (groupError(); as groupError) {
          <wago-load-error subject="The members" i18n-subject [error]="groupError" (retry)="loadGroup(open.jid)" />
        } @else {
          <p class="loading" role="status" i18n>Loading the members…</p>
        }
      </section>
    }

    <section class="card" aria-labelledby="groups-title">
      <div class="section-header">
        <h2 id="groups-title" tabindex="-1" #groupsHeading i18n>Groups</h2>
        <form class="inline-form" role="search" [formGroup]="searchForm" (ngSubmit)="search()" novalidate>
          <div class="field">
            <label class="field__label" for="group-search" i18n>Subject</label>
            <input
              id="group-search"
              class="input"
              type="search"
              formControlName="q"
              maxlength="100"
              [attr.aria-invalid]="searchSubmission.submitted() && searchForm.controls.q.invalid"
              aria-describedby="group-search-error"
            />
            @if (searchSubmission.submitted() && searchForm.controls.q.invalid) {
              <p id="group-search-error" class="field__error" i18n>Enter at most 100 characters.</p>
            }
          </div>
          <button type="submit" class="button" [disabled]="list.loading()" i18n>Search groups</button>
        </form>
      </div>

      @if (list.loading() && !list.page()) {
        <p class="loading" role="status" i18n>Loading groups…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The groups" i18n-subject [error]="loadError" (retry)="list.load()" />
      } @else if (list.page()?.items?.length === 0) {
        <div class="empty">
          @if (subjectFilter()) {
            <p i18n>No group’s subject contains “{{ subjectFilter() }}”.</p>
          } @else {
            <p class="empty__title" i18n>No groups</p>
            <p i18n>This session’s account is in no WhatsApp group.</p>
          }
        </div>
      } @else {
        <div class="table-scroll">
          <table class="table table--cards" [attr.aria-busy]="list.loading()">
            <thead>
              <tr>
                <th scope="col" i18n>Subject</th>
                <th scope="col" i18n>Members</th>
                <th scope="col" i18n>Settings</th>
                <th scope="col" i18n>Created</th>
              </tr>
            </thead>
            <tbody>
              @for (group of list.page()?.items; track group.jid) {
                <tr>
                  <td data-label="Subject" i18n-data-label>
                    <span class="chat-ref">
                      <button
                        type="button"
                        class="link-button"
                        [attr.aria-current]="openGroup()?.jid === group.jid ? 'true' : null"
                        (click)="open(group)"
                      >
                        {{ group.subject }}
                      </button>
                      <span class="muted mono small break">{{ group.jid }}</span>
                    </span>
                  </td>
                  <td data-label="Members" i18n-data-label>{{ group.participantsCount }}</td>
                  <td data-label="Settings" i18n-data-label>{{ settingsOf(group) }}</td>
                  <td data-label="Created" i18n-data-label>
                    @if (group.createdAt; as createdAt) {
                      <time [attr.datetime]="createdAt">{{ createdAt | date: 'mediumDate' }}</time>
                    } @else {
                      —
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
        <wago-pager [list]="list" />
      }
    </section>
  `,
})
export class SessionGroups implements OnInit {
  private readonly api = inject(Api);
  private readonly injector = inject(Injector);

  readonly sessionId = input.required<string>();

  protected readonly roleLabels = ROLE_LABELS;
  protected readonly searchForm = inject(NonNullableFormBuilder).group({ q: ['', Validators.maxLength(100)] });
  protected readonly searchSubmission = injectFormSubmission(this.searchForm);
  protected readonly subjectFilter = signal('');
  protected readonly list = new PagedList(PAGE_SIZE, (query) =>
    this.api.groups.list(this.sessionId(), { q: this.subjectFilter() || undefined, ...query }),
  );

  /** The group whose members are shown, as the list has it; `group` holds its members once they came. */
  protected readonly openGroup = signal<Group | null>(null);
  protected readonly group = signal<GroupDetail | null>(null);
  protected readonly groupError = signal<string | null>(null);
  private readonly groupHeading = viewChild<ElementRef<HTMLElement>>('groupHeading');
  private readonly groupsHeading = viewChild<ElementRef<HTMLElement>>('groupsHeading');

  ngOnInit(): void {
    void this.list.load();
  }

  protected async search(): Promise<void> {
    if (!this.searchSubmission.accept()) return;
    this.subjectFilter.set(this.searchForm.getRawValue().q.trim());
    await this.list.goTo(0);
  }

  /** Shows the group's members and takes focus there, so keyboard and screen-reader users follow. */
  protected async open(group: Group): Promise<void> {
    this.openGroup.set(group);
    afterNextRender(() => this.groupHeading()?.nativeElement.focus(), { injector: this.injector });
    await this.loadGroup(group.jid);
  }

  protected async loadGroup(groupJid: string): Promise<void> {
    this.group.set(null);
    this.groupError.set(null);
    try {
      const group = await this.api.groups.get(this.sessionId(), groupJid);
      if (this.openGroup()?.jid === groupJid) this.group.set(group);
    } catch (error) {
      if (this.openGroup()?.jid === groupJid) this.groupError.set(errorMessage(error));
    }
  }

  /** Focus goes back to the group list, not lost with the button that closed the group. */
  protected closeGroup(): void {
    this.openGroup.set(null);
    this.group.set(null);
    this.groupError.set(null);
    afterNextRender(() => this.groupsHeading()?.nativeElement.focus(), { injector: this.injector });
  }

  /** Who may do what, in words: `Only admins send messages · Only admins edit the group info`. */
  protected settingsOf(group: Group): string {
    const rules = [
      ...(group.announce ? [$localize`Only admins send messages`] : []),
      ...(group.restrict ? [$localize`Only admins edit the group info`] : []),
    ];
    return rules.length > 0 ? rules.join(' · ') : $localize`Everyone sends and edits`;
  }
}
