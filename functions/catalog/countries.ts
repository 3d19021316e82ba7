/**
 * Countries by ISO 3166-1 alpha-2 code, with their Vietnamese and English names (i18n-iso-countries,
 * only the two locales the portal speaks, so a cold start does not load eighty).
 */
import countries from 'i18n-iso-countries/index.js';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import vi from 'i18n-iso-countries/langs/vi.json' with { type: 'json' };

export interface Country {
  code: string;
  vi: string;
  en: string;
}

let foreign: readonly Country[] | undefined;

/** Every country but Viet Nam, by code: where a permit is used or goods are exported. Listed on first use. */
export function foreignCountries(): readonly Country[] {
  if (foreign) return foreign;
  countries.registerLocale(vi);
  countries.registerLocale(en);
  foreign = Object.keys(countries.getAlpha2Codes())
    .filter((code) => code !== 'VN')
    .sort()
    .map((code) => ({
      code,
      vi: countries.getName(code, 'vi') ?? code,
      en: countries.getName(code, 'en') ?? code,
    }));
  return foreign;
}
