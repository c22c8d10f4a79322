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
    <h1>API keys</h1>
    <p class="muted">
      Scripts and integrations call the API with a key in the <code>X-Api-Key</code> header. A key acts as you.
    </p>

    <section class="card" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create an API key</h2>
      <form class="inline-form" [formGroup]="form" (ngSubmit)="create()" novalidate>
        <div class="field">
          <label class="field__label" for="api-key-name">Key name</label>
          <input
            id="api-key-name"
            class="input"
            formControlName="name"
            required
            maxlength="100"
            placeholder="crm-integration"
            [attr.aria-invalid]="submitted() && form.controls.name.invalid"
            aria-describedby="api-key-name-error"
          />
          @if (submitted() && form.controls.name.invalid) {
            <p id="api-key-name-error" class="field__error">Enter a name that says where the key is used.</p>
          }
        </div>
        <fieldset class="field fieldset" formArrayName="scopes">
          <legend class="field__label">Scopes: what the key may do</legend>
          @for (scope of scopes; track scope; let index = $index) {
            <label class="check">
              <input type="checkbox" [formControlName]="index" />
              <code>{{ scope }}</code>
            </label>
          }
          @if (submitted() && form.controls.scopes.invalid) {
            <p class="field__error" role="alert">Choose at least one scope.</p>
          }
        </fieldset>
        @if (sessions().length > 0) {
          <fieldset class="field fieldset">
            <legend class="field__label">Sessions: none chosen means all yours, present and future</legend>
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
          <label class="field__label" for="api-key-expires">Expires (optional)</label>
          <input id="api-key-expires" class="input" type="datetime-local" formControlName="expiresAt" />
        </div>
        <button type="submit" class="button button--primary" [disabled]="creating()">
          {{ creating() ? 'Creating…' : 'Create key' }}
        </button>
      </form>
      @if (created(); as newKey) {
        <wago-secret-reveal
          [title]="'API key “' + newKey.name + '” created'"
          label="API key"
          hint="Send it in the X-Api-Key header."
          [secret]="newKey.key"
          (dismissed)="created.set(null)"
        />
      }
    </section>

    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Your keys</h2>
      @if (list.loading() && !list.page()) {
        <p class="loading" role="status">Loading API keys…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The API keys" [error]="loadError" (retry)="list.load()" />
      } @else if (list.page()?.items?.length === 0) {
        <p class="empty">No API keys yet.</p>
      } @else {
        <table class="table table--cards">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scopes</th>
              <th scope="col">Sessions</th>
              <th scope="col">Expires</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            @for (apiKey of list.page()?.items; track apiKey.id) {
              <tr>
                <td data-label="Name">{{ apiKey.name }}</td>
                <td data-label="Key" class="mono">{{ apiKey.prefix }}…</td>
                <td data-label="Scopes">{{ scopesOf(apiKey) }}</td>
                <td data-label="Sessions">{{ sessionsOf(apiKey) }}</td>
                <td data-label="Expires">{{ (apiKey.expiresAt | date: 'medium') ?? 'Never' }}</td>
                <td data-label="Created">{{ apiKey.createdAt | date: 'medium' }}</td>
                <td data-label="Last used">{{ (apiKey.lastUsedAt | date: 'medium') ?? 'Never' }}</td>
                <td data-label="Actions" class="table__actions">
                  <button type="button" class="button button--small button--danger" (click)="revoke(apiKey)">
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
    return apiKey.scopes.length === API_KEY_SCOPES.length ? 'All' : apiKey.scopes.join(', ');
  }

  protected sessionsOf(apiKey: ApiKey): string {
    if (!apiKey.sessionIds) return 'All';
    const names = new Map(this.sessions().map((session) => [session.id, session.name]));
    return apiKey.sessionIds.map((sessionId) => names.get(sessionId) ?? sessionId).join(', ');
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
      title: `Revoke “${apiKey.name}”?`,
      message: `Requests with the key ${apiKey.prefix}… are refused from now on. This cannot be undone.`,
      confirmLabel: 'Revoke key',
      destructive: true,
    });
    if (!confirmed) return;
    try {
      await this.api.apiKeys.revoke(apiKey.id);
      this.notifier.success(`API key “${apiKey.name}” revoked.`);
      await this.list.load();
    } catch {
      // Shown by the error interceptor.
    }
  }
}
