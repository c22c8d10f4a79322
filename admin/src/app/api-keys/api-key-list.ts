// The signed-in user's API keys, for scripts and integrations: create one (shown once) with its scopes, sessions and
// expiry, see what each may do and when it was used, revoke.
import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import {
  AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { Api } from '../core/api';
import { API_KEY_SCOPES, type ApiKey, type CreatedApiKey, type Session } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { Notifier } from '../core/notifier';
import { LoadError } from '../core/load-error';
import { PagedList } from '../core/paged-list';
import { Pager } from '../core/pager';
import { SecretReveal } from '../core/secret-reveal';

const PAGE_SIZE = 50;
/** The sessions offered to limit a key to; a user with more limits keys through the API. */
const SESSION_CHOICES = 100;

const atLeastOneScope = (scopes: AbstractControl<boolean[]>): ValidationErrors | null =>
  scopes.value.some(Boolean) ? null : { noScope: true };

@Component({
  selector: 'wago-api-key-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, ReactiveFormsModule, LoadError, Pager, SecretReveal],
  template: `
    <h1 i18n>API keys</h1>
    <p class="muted" i18n>
      Scripts and integrations call the API with a key in the <code>X-Api-Key</code> header. A key acts as you.
    </p>

    <section class="card" aria-labelledby="create-key-title">
      <h2 id="create-key-title" i18n>Create an API key</h2>
      <form class="inline-form" [formGroup]="form" (ngSubmit)="create()" novalidate>
        <div class="field">
          <label class="field__label" for="api-key-name" i18n>Key name</label>
          <input
            id="api-key-name"
            class="input"
            formControlName="name"
            required
            maxlength="100"
            placeholder="crm-integration"
            i18n-placeholder="example API key name"
            [attr.aria-invalid]="submitted() && form.controls.name.invalid"
            aria-describedby="api-key-name-error"
          />
          @if (submitted() && form.controls.name.invalid) {
            <p id="api-key-name-error" class="field__error" i18n>Enter a name that says where the key is used.</p>
          }
        </div>
        <fieldset class="field fieldset" formArrayName="scopes">
          <legend class="field__label" i18n>Scopes: what the key may do</legend>
          @for (scope of scopes; track scope; let index = $index) {
            <label class="check">
              <input type="checkbox" [formControlName]="index" />
              <code>{{ scope }}</code>
            </label>
          }
          @if (submitted() && form.controls.scopes.invalid) {
            <p class="field__error" role="alert" i18n>Choose at least one scope.</p>
          }
        </fieldset>
        @if (sessions().length > 0) {
          <fieldset class="field fieldset">
            <legend class="field__label" i18n>Sessions: none chosen means all yours, present and future</legend>
            @for (session of sessions(); track session.id) {
              <label class="check">
                <input
                  type="checkbox"
                  [checked]="chosenSessions().has(session.id)"
                  (change)="toggleSession(session.id)"
                />
                {{ session.name }}
              </label>
            }
          </fieldset>
        }
        <div class="field">
          <label class="field__label" for="api-key-expires" i18n>Expires (optional)</label>
          <input id="api-key-expires" class="input" type="datetime-local" formControlName="expiresAt" />
        </div>
        <button type="submit" class="button button--primary" [disabled]="creating()">
          @if (creating()) {
            <ng-container i18n>Creating…</ng-container>
          } @else {
            <ng-container i18n>Create key</ng-container>
          }
        </button>
      </form>
      @if (created(); as newKey) {
        <wago-secret-reveal
          [title]="createdTitle(newKey)"
          label="API key"
          i18n-label
          hint="Send it in the X-Api-Key header."
          i18n-hint
          [secret]="newKey.key"
          (dismissed)="created.set(null)"
        />
      }
    </section>

    <section aria-labelledby="keys-title">
      <h2 id="keys-title" i18n>Your keys</h2>
      @if (list.loading() && !list.page()) {
        <p class="loading" role="status" i18n>Loading API keys…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The API keys" i18n-subject [error]="loadError" (retry)="list.load()" />
      } @else if (list.page()?.items?.length === 0) {
        <p class="empty" i18n>No API keys yet.</p>
      } @else {
        <table class="table table--cards">
          <thead>
            <tr>
              <th scope="col" i18n>Name</th>
              <th scope="col" i18n>Key</th>
              <th scope="col" i18n>Scopes</th>
              <th scope="col" i18n>Sessions</th>
              <th scope="col" i18n>Expires</th>
              <th scope="col" i18n>Created</th>
              <th scope="col" i18n>Last used</th>
              <th scope="col"><span class="visually-hidden" i18n>Actions</span></th>
            </tr>
          </thead>
          <tbody>
            @for (apiKey of list.page()?.items; track apiKey.id) {
              <tr>
                <td data-label="Name" i18n-data-label>{{ apiKey.name }}</td>
                <td data-label="Key" i18n-data-label class="mono">{{ apiKey.prefix }}…</td>
                <td data-label="Scopes" i18n-data-label>{{ scopesOf(apiKey) }}</td>
                <td data-label="Sessions" i18n-data-label>{{ sessionsOf(apiKey) }}</td>
                <td data-label="Expires" i18n-data-label>{{ (apiKey.expiresAt | date: 'medium') ?? never }}</td>
                <td data-label="Created" i18n-data-label>{{ apiKey.createdAt | date: 'medium' }}</td>
                <td data-label="Last used" i18n-data-label>{{ (apiKey.lastUsedAt | date: 'medium') ?? never }}</td>
                <td data-label="Actions" i18n-data-label class="table__actions">
                  <button type="button" class="button button--small button--danger" (click)="revoke(apiKey)" i18n>
                    Revoke
                  </button>
                </td>
              </tr>
            }
          </tbody>
        </table>
        <wago-pager [list]="list" />
      }
    </section>
  `,
})
export class ApiKeyList implements OnInit {
  private readonly api = inject(Api);
  private readonly confirm = inject(Confirm);
  private readonly notifier = inject(Notifier);

  private readonly formBuilder = inject(NonNullableFormBuilder);
  protected readonly scopes = API_KEY_SCOPES;
  protected readonly never = $localize`Never`;
  protected readonly form = this.formBuilder.group({
    name: ['', Validators.required],
    // Every scope checked to begin with: a key does everything you can unless you take some away.
    scopes: this.formBuilder.array(
      API_KEY_SCOPES.map(() => true),
      atLeastOneScope,
    ),
    /** As a datetime-local field writes it (local time); empty: never expires. */
    expiresAt: [''],
  });
  protected readonly sessions = signal<Session[]>([]);
  protected readonly chosenSessions = signal<ReadonlySet<string>>(new Set());
  protected readonly submitted = signal(false);
  protected readonly creating = signal(false);
  protected readonly created = signal<CreatedApiKey | null>(null);
  protected readonly list = new PagedList(PAGE_SIZE, (query) => this.api.apiKeys.list(query));

  ngOnInit(): void {
    void this.list.load();
    void this.loadSessions();
  }

  protected toggleSession(sessionId: string): void {
    this.chosenSessions.update((chosen) => {
      const next = new Set(chosen);
      if (!next.delete(sessionId)) next.add(sessionId);
      return next;
    });
  }

  protected scopesOf(apiKey: ApiKey): string {
    return apiKey.scopes.length === API_KEY_SCOPES.length
      ? $localize`:scopes|every scope:All`
      : apiKey.scopes.join(', ');
  }

  protected sessionsOf(apiKey: ApiKey): string {
    if (!apiKey.sessionIds) return $localize`:sessions|every session:All`;
    const names = new Map(this.sessions().map((session) => [session.id, session.name]));
    return apiKey.sessionIds.map((sessionId) => names.get(sessionId) ?? sessionId).join(', ');
  }

  protected createdTitle(apiKey: CreatedApiKey): string {
    return $localize`API key “${apiKey.name}:name:” created`;
  }

  private async loadSessions(): Promise<void> {
    try {
      this.sessions.set((await this.api.sessions.list({ limit: SESSION_CHOICES })).items);
    } catch {
      // Shown by the error interceptor; keys can still be made for every session.
    }
  }

  protected async create(): Promise<void> {
    this.submitted.set(true);
    if (this.form.invalid) return;
    this.creating.set(true);
    try {
      const { name, scopes, expiresAt } = this.form.getRawValue();
      const sessionIds = [...this.chosenSessions()];
      this.created.set(
        await this.api.apiKeys.create({
          name: name.trim(),
          scopes: API_KEY_SCOPES.filter((_scope, index) => scopes[index]),
          ...(sessionIds.length > 0 ? { sessionIds } : {}),
          ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
        }),
      );
      this.form.reset();
      this.chosenSessions.set(new Set());
      this.submitted.set(false);
      await this.list.load();
    } catch {
      // Shown by the error interceptor.
    } finally {
      this.creating.set(false);
    }
  }

  protected async revoke(apiKey: ApiKey): Promise<void> {
    const confirmed = await this.confirm.ask({
      title: $localize`Revoke “${apiKey.name}:name:”?`,
      message: $localize`Requests with the key ${apiKey.prefix}:prefix:… are refused from now on. This cannot be undone.`,
      confirmLabel: $localize`Revoke key`,
      destructive: true,
    });
    if (!confirmed) return;
    try {
      await this.api.apiKeys.revoke(apiKey.id);
      this.notifier.success($localize`API key “${apiKey.name}:name:” revoked.`);
      await this.list.load();
    } catch {
      // Shown by the error interceptor.
    }
  }
}
