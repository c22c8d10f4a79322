// Picks the console's language and loads its texts before the app (whose modules hold those texts) is imported.
import { chooseLanguage, savedLanguage, useLanguage } from './app/core/language';

const language = chooseLanguage(savedLanguage(), navigator.languages);

useLanguage(language)
  .then(() => import('./bootstrap'))
  .then(({ bootstrap }) => bootstrap(language))
  .catch((error: unknown) => console.error(error));
