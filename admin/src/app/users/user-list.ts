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

const PAGE_SIZE = 50;

@Component({
  selector: 'wago-user-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, ReactiveFormsModule, LoadError, NewPinFields, Pager],
  template: `
    <h1>Users</h1>

    <section class="card" aria-labelledby="create-user-title">
      <h2 id="create-user-title">Create a user</h2>
      <form class="form-grid" [formGroup]="form" (ngSubmit)="create()" novalidate>
        <div class="field">
          <label class="field__label" for="user-username">Username</label>
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
            <p id="user-username-error" class="field__error">Enter a username.</p>
          }
        </div>
        <wago-new-pin-fields
          pinId="user-pin"
          confirmId="user-confirm-pin"
          hint="6 to 12 digits. Tell it to the user: they can change it under Account."
          [submitted]="submission.submitted()"
        />
        <div class="field">
          <label class="field__label" for="user-role">Role</label>
          <select id="user-role" class="input" formControlName="role" aria-describedby="user-role-hint">
            <option value="user">User</option>
            <option value="admin">Administrator</option>
          </select>
          <p id="user-role-hint" class="field__hint">Administrators also manage users.</p>
        </div>
        <div class="form-grid__actions">
          <button type="submit" class="button button--primary" [disabled]="creating()">
            {{ creating() ? 'Creating…' : 'Create user' }}
          </button>
        </div>
      </form>
    </section>

    <section aria-labelledby="users-title">
      <h2 id="users-title">All users</h2>
      @if (list.loading() && !list.page()) {
        <p class="loading" role="status">Loading users…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The users" [error]="loadError" (retry)="list.load()" />
      } @else {
        <table class="table table--cards">
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            @for (user of list.page()?.items; track user.id) {
              <tr>
                <td data-label="Username">
                  {{ user.username }}
                  @if (user.id === auth.user()?.id) {
                    <span class="muted">(you)</span>
                  }
                </td>
                <td data-label="Role">{{ user.role === 'admin' ? 'Administrator' : 'User' }}</td>
                <td data-label="Created">{{ user.createdAt | date: 'medium' }}</td>
                <td data-label="Actions" class="table__actions">
                  @if (user.id !== auth.user()?.id) {
                    <button type="button" class="button button--small" (click)="unlock(user)">Unlock</button>
                    <button type="button" class="button button--small button--danger" (click)="delete(user)">
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
      this.notifier.success(`User “${user.username}” created.`);
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
      this.notifier.success(`“${user.username}” can sign in again from anywhere.`);
    } catch {
      // Shown by the error interceptor.
    }
  }

  protected async delete(user: User): Promise<void> {
    const confirmed = await this.confirm.ask({
      title: `Delete “${user.username}”?`,
      message: `${user.username} can no longer sign in or use their API keys. This cannot be undone.`,
      confirmLabel: 'Delete user',
      destructive: true,
    });
    if (!confirmed) return;
    try {
      await this.api.users.delete(user.id);
      this.notifier.success(`User “${user.username}” deleted.`);
      await this.list.load();
    } catch {
      // Shown by the error interceptor.
    }
  }
}
