// Starts the console in a language whose texts are already loaded (see main.ts).
import { LOCALE_ID, mergeApplicationConfig } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import type { Language } from './app/core/language';

export async function bootstrap(language: Language): Promise<void> {
  await bootstrapApplication(
    App,
    mergeApplicationConfig(appConfig, { providers: [{ provide: LOCALE_ID, useValue: language }] }),
  );
}
