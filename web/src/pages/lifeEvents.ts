/**
 * Life events on the home page, each a search of the catalog that finds its procedures (the online ones
 * first, then the national database's information entries), and the procedures citizens file most.
 */
export interface LifeEvent {
  id: string;
  vi: string;
  en: string;
  /** The catalog search that answers the event. */
  q: string;
}

export const LIFE_EVENTS: LifeEvent[] = [
  { id: 'birth', vi: 'Sinh con', en: 'Having a baby', q: 'khai sinh' },
  { id: 'marriage', vi: 'Kết hôn', en: 'Getting married', q: 'kết hôn' },
  { id: 'residence', vi: 'Cư trú', en: 'Residence', q: 'thường trú' },
  { id: 'business', vi: 'Kinh doanh', en: 'Starting a business', q: 'đăng ký kinh doanh' },
  { id: 'vehicle', vi: 'Phương tiện, lái xe', en: 'Vehicles and driving', q: 'giấy phép lái xe' },
  { id: 'death', vi: 'Khai tử', en: 'A death in the family', q: 'khai tử' },
];

/** Filed online here, in the catalog (functions/catalog/data/catalog.json): the most asked for. */
export const POPULAR_CODES = ['1.001193', '1.000656', '1.004222', '1.001612', '1.002804', '1.002758'];
