/**
 * The province and agency-level choices that the published figures and the service index both filter by,
 * as two fields of the page's own filter form (the form, its other fields and its submit stay the page's).
 */

import { strings, useLang } from '../i18n.js';
import type { ProvinceList } from '../types.js';

const useStrings = strings({
  vi: {
    province: 'Tỉnh, thành phố',
    wholeCountry: 'Cả nước',
    level: 'Cấp cơ quan',
    anyLevel: 'Tất cả',
    levels: {
      ministry: 'Bộ, ngành',
      province: 'Cấp tỉnh',
      commune: 'Cấp xã',
      public_body: 'Đơn vị sự nghiệp',
    } as Record<string, string>,
  },
  en: {
    province: 'Province or city',
    wholeCountry: 'Whole country',
    level: 'Agency level',
    anyLevel: 'All',
    levels: {
      ministry: 'Ministries',
      province: 'Province',
      commune: 'Commune',
      public_body: 'Public bodies',
    } as Record<string, string>,
  },
});

/** The area a filter names, for headings: the province's name, or the whole country. */
export function useAreaName(provinces: ProvinceList | undefined, province: string): string {
  const lang = useLang();
  const s = useStrings();
  const p = provinces?.items.find((x) => x.code === province);
  return p ? (lang === 'en' ? p.nameEn : p.fullName) : s.wholeCountry;
}

export function AgencyFilterFields(props: {
  /** Prefix of the fields' ids, unique on the page. */
  idPrefix: string;
  provinces: ProvinceList | undefined;
  province: string;
  level: string;
}) {
  const lang = useLang();
  const s = useStrings();
  const { idPrefix: id } = props;
  return (
    <>
      <div>
        <label for={`${id}-province`}>{s.province}</label>
        <select id={`${id}-province`} name="province" value={props.province}>
          <option value="">{s.wholeCountry}</option>
          {(props.provinces?.items ?? []).map((p) => (
            <option key={p.code} value={p.code}>
              {lang === 'en' ? p.nameEn : p.fullName}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for={`${id}-level`}>{s.level}</label>
        <select id={`${id}-level`} name="level" value={props.level}>
          <option value="">{s.anyLevel}</option>
          {Object.entries(s.levels).map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
