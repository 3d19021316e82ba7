/**
 * Life events on the home page, each a search of the catalog that finds its procedures (the online ones
 * first, then the national database's information entries), and the procedures citizens file most.
 */
export interface LifeEvent {
  id: string;
  vi: string;
  en: string;
  /** What the search finds, in a few words. */
  hintVi: string;
  hintEn: string;
  /** The catalog search that answers the event. */
  q: string;
}

export const LIFE_EVENTS: LifeEvent[] = [
  {
    id: 'birth',
    vi: 'Sinh con',
    en: 'Having a baby',
    hintVi: 'Khai sinh, thẻ BHYT cho trẻ',
    hintEn: 'Birth registration, child health card',
    q: 'khai sinh',
  },
  {
    id: 'marriage',
    vi: 'Kết hôn',
    en: 'Getting married',
    hintVi: 'Đăng ký kết hôn',
    hintEn: 'Marriage registration',
    q: 'kết hôn',
  },
  {
    id: 'residence',
    vi: 'Cư trú',
    en: 'Residence',
    hintVi: 'Đăng ký thường trú',
    hintEn: 'Permanent residence',
    q: 'thường trú',
  },
  {
    id: 'business',
    vi: 'Kinh doanh',
    en: 'Starting a business',
    hintVi: 'Đăng ký hộ kinh doanh',
    hintEn: 'Household business registration',
    q: 'đăng ký kinh doanh',
  },
  {
    id: 'vehicle',
    vi: 'Phương tiện, lái xe',
    en: 'Vehicles and driving',
    hintVi: 'Giấy phép lái xe',
    hintEn: 'Driving licences',
    q: 'giấy phép lái xe',
  },
  {
    id: 'death',
    vi: 'Khai tử',
    en: 'A death in the family',
    hintVi: 'Đăng ký khai tử',
    hintEn: 'Death registration',
    q: 'khai tử',
  },
];

/** Filed online here (functions/catalog/data/catalog.json): the ones the home page offers first. */
export const POPULAR_CODES = ['1.001193', '1.000656', '1.004222', '1.001612', '1.002804', '1.002758'];
