// The QR code to scan, drawn in the browser from the server's QR string, with the time left before it changes.
import { ChangeDetectionStrategy, Component, computed, effect, input, signal } from '@angular/core';
import { toString as renderQrSvg } from 'qrcode';
import { injectNow, secondsUntil } from '../core/clock';

@Component({
  selector: 'wago-session-qr',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="qr">
      @if (image(); as image) {
        <img
          class="qr__image"
          [src]="image"
          width="264"
          height="264"
          alt="QR code for linking WhatsApp. Without a camera, use the pairing code below instead."
          i18n-alt
        />
      } @else if (renderFailed()) {
        <p class="alert alert--error" role="alert" i18n>
          The QR code could not be drawn. Use the pairing code instead.
        </p>
      } @else {
        <div class="qr__placeholder" role="status"><span class="loading" i18n>Drawing the QR code…</span></div>
      }
      <figcaption>
        <p i18n>On the phone, open WhatsApp, then Settings → Linked devices → Link a device, and scan this code.</p>
        <p class="qr__countdown" role="timer">
          @if (secondsLeft() > 0) {
            <ng-container i18n>This code changes in {{ secondsLeft() }} s.</ng-container>
          } @else {
            <ng-container i18n>This code has expired; waiting for a new one…</ng-container>
          }
        </p>
      </figcaption>
    </figure>
  `,
})
export class SessionQr {
  /** The QR payload, as the server sends it. */
  readonly qr = input.required<string>();
  readonly expiresAt = input.required<string>();

  private readonly now = injectNow();
  protected readonly secondsLeft = computed(() => secondsUntil(this.expiresAt(), this.now()));
  protected readonly image = signal<string | null>(null);
  protected readonly renderFailed = signal(false);

  constructor() {
    // A new code can arrive between clock ticks; counting from the last tick would show a second more than it has.
    effect(() => {
      this.expiresAt();
      this.now.refresh();
    });
    effect(() => {
      const qr = this.qr();
      this.renderFailed.set(false);
      renderQrSvg(qr, { type: 'svg', margin: 1, errorCorrectionLevel: 'L' }).then(
        // A newer code may have arrived while this one was drawn.
        (svg) => {
          if (this.qr() === qr) this.image.set(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
        },
        () => {
          this.image.set(null);
          this.renderFailed.set(true);
        },
      );
    });
  }
}
