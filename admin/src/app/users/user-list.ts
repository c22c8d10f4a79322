// Administrators manage who can sign in: list, create with a first PIN, lift sign-in locks, delete.
import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import type { Role, User } from '../core/api-types';
import { Auth } from '../core/auth';
import { Confirm } from '../core/confirm';
import { NEW_PIN_VALIDATORS, injectFormSubmission, matchingPins } from '../core/forms';
import { Notifier } from '../core/notifier';
import { LoadError } from '../core/load-error';
import { NewPinFields } from '../core/new-pin-fields';
import { PagedList } from '../core/paged-list';
import { Pager } from '../core/pager';
import { ROLE_LABELS } from '../core/roles';

const PAGE_SIZE = 50;

@Component({
  selector: 'wago-user-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, ReactiveFormsModule, LoadError, NewPinFields, Pager],
  template: `
    <h1 i18n>Users</h1>

    <section class="card" aria-labelledby="create-user-title">
      <h2 id="create-user-title" i18n>Create a user</h2>
      <form class="form-grid" [formGroup]="form" (ngSubmit)="create()" novalidate>
        <div class="field">
          <label class="field__label" for="user-username" i18n>Username</label>
          <input
            id="user-username"
            class="input"
            formControlName="username"
            autocomplete="off"
            autocapitalize="none"
            spellcheck="false"
            required
            [attr.aria-invalid]="submission.submitted() && form.controls.username.invalid"
            aria-describedby="user-username-error"
          />
          @if (submission.submitted() && form.controls.username.invalid) {
            <p id="user-username-error" class="field__error" i18n>Enter a username.</p>
          }
        </div>
        <wago-new-pin-fields
          pinId="user-pin"
          confirmId="user-confirm-pin"
          hint="6 to 12 digits. Tell it to the user: they can change it under Account."
          i18n-hint
          [submitted]="submission.submitted()"
        />
        <div class="field">
          <label class="field__label" for="user-role" i18n>Role</label>
          <select id="user-role" class="input" formControlName="role" aria-describedby="user-role-hint">
            <option value="user">{{ roleLabels.user }}</option>
            <option value="admin">{{ roleLabels.admin }}</option>
          </select>
          <p id="user-role-hint" class="field__hint" i18n>Administrators also manage users.</p>
        </div>
        <div class="form-grid__actions">
          <button type="submit" class="button button--primary" [disabled]="creating()">
            @if (creating()) {
              <ng-container i18n>Creating…</ng-container>
            } @else {
              <ng-container i18n>Create user</ng-container>
            }
          </button>
        </div>
      </form>
    </section>

    <section aria-labelledby="users-title">
      <h2 id="users-title" i18n>All users</h2>
      @if (list.loading() && !list.page()) {
        <p class="loading" role="status" i18n>Loading users…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The users" i18n-subject [error]="loadError" (retry)="list.load()" />
      } @else {
        <table class="table table--cards">
          <thead>
            <tr>
              <th scope="col" i18n>Username</th>
              <th scope="col" i18n>Role</th>
              <th scope="col" i18n>Created</th>
              <th scope="col"><span class="visually-hidden" i18n>Actions</span></th>
            </tr>
          </thead>
          <tbody>
            @for (user of list.page()?.items; track user.id) {
              <tr>
                <td data-label="Username" i18n-data-label>
                  {{ user.username }}
                  @if (user.id === auth.user()?.id) {
                    <span class="muted" i18n>(you)</span>
                  }
                </td>
                <td data-label="Role" i18n-data-label>{{ roleLabels[user.role] }}</td>
                <td data-label="Created" i18n-data-label>{{ user.createdAt | date: 'medium' }}</td>
                <td data-label="Actions" i18n-data-label class="table__actions">
                  @if (user.id !== auth.user()?.id) {
                    <button type="button" class="button button--small" (click)="unlock(user)" i18n>Unlock</button>
                    <button type="button" class="button button--small button--danger" (click)="delete(user)" i18n>
                      Delete
                    </button>
                  }
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
export class UserList implements OnInit {
  private readonly api = inject(Api);
  private readonly confirm = inject(Confirm);
  private readonly notifier = inject(Notifier);
  protected readonly auth = inject(Auth);
  protected readonly roleLabels = ROLE_LABELS;

  private readonly formBuilder = inject(NonNullableFormBuilder);
  protected readonly form = this.formBuilder.group(
    {
      username: ['', Validators.required],
      pin: ['', NEW_PIN_VALIDATORS],
      confirmPin: ['', Validators.required],
      role: this.formBuilder.control<Role>('user'),
    },
    { validators: matchingPins('pin', 'confirmPin') },
  );
  protected readonly submission = injectFormSubmission(this.form);
  protected readonly creating = signal(false);
  protected readonly list = new PagedList(PAGE_SIZE, (query) => this.api.users.list(query));

  ngOnInit(): void {
    void this.list.load();
  }

  protected async create(): Promise<void> {
    if (!this.submission.accept()) return;
    const { username, pin, role } = this.form.getRawValue();
    this.creating.set(true);
    try {
      const { user } = await this.api.users.create({ username: username.trim(), pin, role });
      this.notifier.success($localize`User “${user.username}:username:” created.`);
      this.submission.reset();
      await this.list.load();
    } catch {
      // Shown by the error interceptor.
    } finally {
      this.creating.set(false);
    }
  }

  /** After failed sign-ins a user may be locked out from an address; an administrator lets them in again. */
  protected async unlock(user: User): Promise<void> {
    try {
      await this.api.users.unlock(user.id);
      this.notifier.success($localize`“${user.username}:username:” can sign in again from anywhere.`);
    } catch {
      // Shown by the error interceptor.
    }
  }

  protected async delete(user: User): Promise<void> {
    const confirmed = await this.confirm.ask({
      title: $localize`Delete “${user.username}:username:”?`,
      message: $localize`${user.username}:username: can no longer sign in or use their API keys. This cannot be undone.`,
      confirmLabel: $localize`Delete user`,
      destructive: true,
    });
    if (!confirmed) return;
    try {
      await this.api.users.delete(user.id);
      this.notifier.success($localize`User “${user.username}:username:” deleted.`);
      await this.list.load();
    } catch {
      // Shown by the error interceptor.
    }
  }
}
