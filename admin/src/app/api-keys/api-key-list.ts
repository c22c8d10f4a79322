// The signed-in user's API keys, for scripts and integrations: create one (shown once), see when each was used, revoke.
import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import type { ApiKey, CreatedApiKey } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { Notifier } from '../core/notifier';
import { LoadError } from '../core/load-error';
import { PagedList } from '../core/paged-list';
import { Pager } from '../core/pager';
import { SecretReveal } from '../core/secret-reveal';

const PAGE_SIZE = 50;

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

  protected readonly form = inject(NonNullableFormBuilder).group({ name: ['', Validators.required] });
  protected readonly submitted = signal(false);
  protected readonly creating = signal(false);
  protected readonly created = signal<CreatedApiKey | null>(null);
  protected readonly list = new PagedList(PAGE_SIZE, (query) => this.api.apiKeys.list(query));

  ngOnInit(): void {
    void this.list.load();
  }

  protected async create(): Promise<void> {
    this.submitted.set(true);
    if (this.form.invalid) return;
    this.creating.set(true);
    try {
      this.created.set(await this.api.apiKeys.create({ name: this.form.getRawValue().name.trim() }));
      this.form.reset();
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
