/** Valid forms of the seeded procedures, as a citizen would fill them. */
export const licenceForm = {
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-05-01',
  citizenId: '001090000001',
  phone: '0912345678',
  licenceNumber: '010000000001',
  licenceClass: 'B',
  reason: 'expired',
  deliveryMethod: 'post',
  deliveryAddress: '25 phố Hàng Bài, phường Hoàn Kiếm, Hà Nội',
};

export const bhytForm = {
  fullName: 'Trần Thị Bình',
  dateOfBirth: '1988-03-14',
  citizenId: '001188000123',
  phone: '0987654321',
  insuranceNumber: '0123456789',
  reason: 'lost',
  informationChanged: false,
};

export const promotionNoticeForm = {
  enterpriseName: 'Công ty TNHH Thương mại Sao Mai',
  taxCode: '0101234567',
  phone: '0903123456',
  programmeName: 'Tri ân khách hàng cuối năm',
  goods: 'Đồ gia dụng',
  form: 'discount',
  startDate: '2026-12-01',
  endDate: '2026-12-31',
  provinceCodes: ['01'],
};

/** The interlinked birth → residence → health card bundle, for a child born in Hoàn Kiếm, Hà Nội. */
export const birthBundleForm = {
  fullName: 'Lê Thị Hoa',
  dateOfBirth: '1994-02-10',
  citizenId: '001194000456',
  phone: '0912000111',
  childFullName: 'Lê Minh Khang',
  childDateOfBirth: '2026-10-01',
  childSex: 'male',
  placeOfBirth: 'Bệnh viện Phụ sản Hà Nội',
  motherCitizenId: '001194000456',
  provinceCode: '01',
  communeCode: '00070',
  residenceAddress: '12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội',
};
