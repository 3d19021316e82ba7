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
  phone: '0243123456',
  programmeName: 'Tri ân khách hàng cuối năm',
  goods: 'Đồ gia dụng',
  form: 'discount',
  startDate: '2026-12-01',
  endDate: '2026-12-31',
  provinceCodes: ['01'],
};
