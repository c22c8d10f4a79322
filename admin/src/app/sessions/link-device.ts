// Linking a WhatsApp account: scan the QR code once connecting, or ask for a pairing code to type on the phone instead.
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import type { SessionQr as SessionQrCode, SessionStatus } from '../core/api-types';
import { formatPairingCode } from '../core/format';
import { SessionQr } from './session-qr';
import { isLinking } from './session-status';

@Component({
  selector: 'wago-link-device',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, SessionQr],
  template: `
    <section class="card" aria-labelledby="link-title">
      <h2 id="link-title" i18n>Link a WhatsApp account</h2>
      <div class="link-device">
        <div>
          <h3 i18n>Scan a QR code</h3>
          @if (qr(); as qr) {
            <wago-session-qr [qr]="qr.qr" [expiresAt]="qr.expiresAt" />
          } @else if (status() === 'pairing_code') {
            <p i18n>A pairing code was requested instead of a QR code.</p>
          } @else if (started()) {
            <p class="loading" role="status" i18n>Waiting for WhatsApp to send a QR code…</p>
          } @else {
            <p i18n>Select Connect to show a QR code here.</p>
          }
        </div>
        <div>
          <h3 i18n>Or use a pairing code</h3>
          <p i18n>Without a camera, link with the phone number: WAGO gets a code to type into WhatsApp on the phone.</p>
          <form class="form-narrow" [formGroup]="form" (ngSubmit)="requestCode()" novalidate>
            <div class="field">
              <label class="field__label" for="pairing-phone" i18n>Phone number</label>
              <input
                id="pairing-phone"
                class="input"
                type="tel"
                inputmode="tel"
                autocomplete="tel"
                formControlName="phoneNumber"
                placeholder="+1 555 123 4567"
                required
                [attr.aria-invalid]="submitted() && form.controls.phoneNumber.invalid"
                aria-describedby="pairing-phone-hint pairing-phone-error"
              />
              <p id="pairing-phone-hint" class="field__hint" i18n>With the country code. Spaces and dashes are fine.</p>
              @if (submitted() && form.controls.phoneNumber.invalid) {
                <p id="pairing-phone-error" class="field__error" i18n>Enter the phone number with its country code.</p>
              }
            </div>
            <button type="submit" class="button" [disabled]="requesting()">
              @if (requesting()) {
                <ng-container i18n>Requesting…</ng-container>
              } @else {
                <ng-container i18n>Get pairing code</ng-container>
              }
            </button>
          </form>
          @if (pairingCode(); as code) {
            <div class="pairing" role="status">
              <p i18n>
                On the phone, open WhatsApp, then Settings → Linked devices → Link a device → Link with phone number
                instead, and enter:
              </p>
              <p class="pairing__code">{{ formatPairingCode(code) }}</p>
            </div>
          }
        </div>
      </div>
    </section>
  `,
})
export class LinkDevice {
  private readonly api = inject(Api);

  readonly sessionId = input.required<string>();
  readonly status = input.required<SessionStatus>();
  readonly qr = input<SessionQrCode>();

  protected readonly started = computed(() => isLinking(this.status()));
  protected readonly formatPairingCode = formatPairingCode;
  protected readonly form = inject(NonNullableFormBuilder).group({
    phoneNumber: ['', [Validators.required, Validators.pattern(/^\+?[\d\s().-]{7,24}$/)]],
  });
  protected readonly submitted = signal(false);
  protected readonly requesting = signal(false);
  protected readonly pairingCode = signal<string | null>(null);

  constructor() {
    // A code belongs to one linking attempt: another session, or an attempt that ended (timeout, failure), needs a new one.
    effect(() => {
      this.sessionId();
      if (!isLinking(this.status())) this.pairingCode.set(null);
    });
  }

  protected async requestCode(): Promise<void> {
    this.submitted.set(true);
    if (this.form.invalid) return;
    this.requesting.set(true);
    try {
      const phoneNumber = this.form.getRawValue().phoneNumber.replace(/\D/g, '');
      const { code } = await this.api.sessions.requestPairingCode(this.sessionId(), { phoneNumber });
      this.pairingCode.set(code);
    } catch {
      // The error interceptor shows the server's message.
    } finally {
      this.requesting.set(false);
    }
  }
}
