import { describe, expect, it } from 'vitest';
import { handlerKeyOfAgency, handlerOfKey, handlersOf } from '../../functions/catalog/agency-handlers.js';
import { communeAgency, findAgency, findAgencyByCode } from '../../functions/registry/agencies.js';

// Agency texts as the national database publishes them (competentAgency, implementingAgency).
describe('handlers read from agency texts', () => {
  it.each([
    ['Sở Tư pháp', ['province:stp']],
    ['Giám đốc Sở Tư pháp', ['province:stp']],
    ['Sở Tư pháp Thành phố Hà Nội', ['province:stp']],
    ['Bộ phận Một cửa Sở Xây dựng', ['province:sxd']],
    ['Lãnh đạo Sở Xây Dựng', ['province:sxd']],
    ['Sở Tài chính các tỉnh', ['province:stc']],
    ['Sở Nông nghiệp và Môi trường - tỉnh An Giang', ['province:snnmt']],
    ['Ủy ban Nhân dân\u00a0xã,\u00a0phường,\u00a0thị trấn.', ['commune:ubnd']],
    ['Uỷ ban Nhân dân cấp xã, phường, thị trấn', ['commune:ubnd']],
    ['Chủ tịch UBND cấp xã', ['commune:ubnd']],
    ['Chủ tịch ủy ban nhân dân cấp tỉnh', ['province:ubnd']],
    ['Ủy ban Nhân dân\u00a0tỉnh\u00a0và\u00a0thành phố trực thuộc trung ương.', ['province:ubnd']],
    ['Công an cấp Tỉnh', ['province:ca']],
    ['Phòng cảnh sát quản lý hành chính về trật tự xã hội', ['province:ca']],
    ['Bộ Công an', ['bca']],
    ['Cục y tế-Bộ Công an', ['bca']],
    ['Cục cảnh sát quản lý hành chính về trật tự, xã hội, Công an tỉnh', ['province:ca', 'bca']],
    ['Cục quản lý xuất nhập cảnh', ['bca']],
    ['Bộ Tư pháp', ['btp']],
    ['Ủy ban Chứng khoán Nhà nước - Bộ tài chính', ['btc']],
    ['Chi cục Hải quan khu vực', ['btc']],
    ['Cục Thuế - Bộ tài chính, Thuế tỉnh, thành phố, Thuế cơ sở', ['btc', 'thue', 'province:thue']],
    ['Chi cục Thuế doanh nghiệp lớn - Cục Thuế', ['thue']],
    ['Bảo hiểm xã hội Việt Nam', ['bhxh']],
    ['Bảo hiểm xã hội cấp Tỉnh, Bảo hiểm xã hội cấp huyện', ['province:bhxh']],
    ['Bộ xây dựng (Giao thông vận tải cũ), Bộ Quốc phòng', ['bxd']],
    ['Bộ Công thương', ['bct']],
  ])('%s → %o', (text, handlers) => {
    expect(handlersOf([text]).handlers).toEqual(handlers);
  });

  it('maps only the body a mention begins with, not bodies it merely refers to', () => {
    for (const text of [
      'Cơ quan chức năng do Ủy ban nhân dân cấp tỉnh chỉ định',
      'Cơ quan được Chủ tịch Ủy ban nhân dân cấp tỉnh giao tiếp nhận hồ sơ giải quyết thủ tục hành chính',
      'Người đứng đầu cơ quan chuyên môn thuộc Ủy ban nhân dân cấp tỉnh',
      'Công đoàn cơ quan BHXH Việt Nam',
      'Cục Hàng không Việt Nam',
      'Không có thông tin',
    ])
      expect(handlersOf([text]).handlers, text).toEqual([]);
  });

  it('names the bodies the registry does not hold, and maps none of them', () => {
    expect(handlersOf(['Công an cấp Xã'])).toEqual({ handlers: [], unregistered: ['commune police'] });
    expect(handlersOf(['Ngân hàng Nhà nước Việt Nam']).unregistered).toEqual(['State Bank of Vietnam']);
    expect(handlersOf(['Bộ Công an, Bộ Quốc phòng'])).toEqual({
      handlers: ['bca'],
      unregistered: ['Ministry of National Defence'],
    });
    expect(handlersOf(['Cục Chăn nuôi và Thú y - Bộ NN và MT']).unregistered).toEqual([
      'Ministry of Agriculture and Environment',
    ]);
  });

  it('joins both texts without repeats, and reads a committee of no tier from a single local level', () => {
    expect(handlersOf(['Chủ tịch ủy ban nhân dân cấp tỉnh', 'Sở Tư pháp']).handlers).toEqual([
      'province:ubnd',
      'province:stp',
    ]);
    expect(handlersOf(['Sở Xây dựng', 'Sở Xây dựng']).handlers).toEqual(['province:sxd']);
    expect(handlersOf(['Chủ tịch Ủy ban nhân dân'], ['commune']).handlers).toEqual(['commune:ubnd']);
    expect(handlersOf(['Chủ tịch Ủy ban nhân dân'], ['province', 'commune']).handlers).toEqual([]);
  });

  it('spells keys out for the API and matches registry agencies to them', () => {
    expect(handlerOfKey('province:stp')).toEqual({ tier: 'province', kind: 'stp' });
    expect(handlerOfKey('commune:ubnd')).toEqual({ tier: 'commune', kind: 'ubnd' });
    expect(handlerOfKey('btp')).toEqual({ national: 'btp' });
    expect(handlerKeyOfAgency(findAgency('stp-01')!)).toBe('province:stp');
    expect(handlerKeyOfAgency(findAgencyByCode('CAHN')!)).toBe('province:ca');
    expect(handlerKeyOfAgency(findAgency('ubnd-79')!)).toBe('province:ubnd');
    expect(handlerKeyOfAgency(communeAgency('00070')!)).toBe('commune:ubnd');
    expect(handlerKeyOfAgency(findAgency('bca')!)).toBe('bca');
    expect(handlerKeyOfAgency(findAgency('thue')!)).toBe('thue');
  });
});
