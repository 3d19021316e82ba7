/**
 * The filter form that the published figures and the service index share: the page's own period field,
 * then the province and agency-level choices, then the submit button. Applying it always starts from the
 * whole list again (no agency chosen).
 */
import type { ComponentChildren } from 'preact';

import { useDraft } from '../data.js';
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

/** What the form applies: the period field's value under its own name, the province and the level. */
export type AgencyFilters = Record<string, string> & { province: string; level: string; agency: '' };

export function AgencyFilterForm(props: {
  /** Prefix of the fields' ids, unique on the page. */
  idPrefix: string;
  title: string;
  /**
   * The period field (month or period) drawn with the value being chosen; its `name` is the key it is
   * applied under.
   */
  periodField: (value: string, change: (value: string) => void) => ComponentChildren;
  /** The period field's name and its applied value, used when the field is left empty. */
  period: { name: string; value: string };
  submitLabel: string;
  provinces: ProvinceList | undefined;
  province: string;
  level: string;
  onApply: (filters: AgencyFilters) => void;
}) {
  const titleId = `${props.idPrefix}-filters-title`;
  const [period, setPeriod] = useDraft(props.period.value);
  return (
    <form
      class="filters stats-filters"
      aria-labelledby={titleId}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        props.onApply({
          [props.period.name]: String(data.get(props.period.name) || props.period.value),
          province: String(data.get('province') ?? ''),
          level: String(data.get('level') ?? ''),
          agency: '',
        });
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <div class="filter-row">
        <div>{props.periodField(period, setPeriod)}</div>
        <AgencyFilterFields
          idPrefix={props.idPrefix}
          provinces={props.provinces}
          province={props.province}
          level={props.level}
        />
        <div class="filter-submit">
          <button type="submit">{props.submitLabel}</button>
        </div>
      </div>
    </form>
  );
}

function AgencyFilterFields(props: {
  /** Prefix of the fields' ids, unique on the page. */
  idPrefix: string;
  provinces: ProvinceList | undefined;
  province: string;
  level: string;
}) {
  const lang = useLang();
  const s = useStrings();
  const { idPrefix: id } = props;
  const [province, setProvince] = useDraft(props.province);
  const [level, setLevel] = useDraft(props.level);
  return (
    <>
      <div>
        <label for={`${id}-province`}>{s.province}</label>
        <select
          id={`${id}-province`}
          name="province"
          value={province}
          onChange={(e) => setProvince(e.currentTarget.value)}
        >
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
        <select
          id={`${id}-level`}
          name="level"
          value={level}
          onChange={(e) => setLevel(e.currentTarget.value)}
        >
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
