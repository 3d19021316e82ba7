/**
 * The people on the local login page: one or more of every role, officers at real agencies of the
 * registry, and how each role is named. Apart from the issuer so the cast reads on its own.
 */

import type { PersonRole } from '../../functions/core/auth.js';

/** A person on the local login page. */
export interface TestUser {
  sub: string;
  name: string;
  role: PersonRole;
  agencyId?: string;
  taxCode?: string;
  /** A support agent of one province's desk (none: the national desk). */
  provinceCode?: string;
  /** The citizen ID (CCCD) VNeID verified for this person; distinct for every test person. */
  citizenId: string;
}

/** One or more people of every role; officers work at real agencies of the registry. */
export const TEST_USERS: readonly TestUser[] = [
  { sub: 'citizen-an', name: 'Nguyễn Văn An', role: 'citizen', citizenId: '001090000001' },
  { sub: 'citizen-binh', name: 'Trần Thị Bình', role: 'citizen', citizenId: '001188000123' },
  {
    sub: 'business-cuong',
    name: 'Lê Minh Cường',
    role: 'business',
    taxCode: '0101234567',
    citizenId: '001085004567',
  },
  {
    sub: 'desk-dung',
    name: 'Phạm Thu Dung',
    role: 'desk_officer',
    agencyId: 'ttpvhcc-01',
    citizenId: '001192003456',
  },
  {
    sub: 'officer-em',
    name: 'Hoàng Văn Em',
    role: 'agency_officer',
    agencyId: 'stp-01',
    citizenId: '001087002345',
  },
  { sub: 'admin-giang', name: 'Vũ Thị Giang', role: 'catalog_admin', citizenId: '001190001234' },
  { sub: 'operator-hai', name: 'Đỗ Quang Hải', role: 'operator', citizenId: '001083005678' },
  { sub: 'support-khanh', name: 'Ngô Bảo Khánh', role: 'support_agent', citizenId: '001091006789' },
  {
    sub: 'support-linh',
    name: 'Đặng Thùy Linh',
    role: 'support_agent',
    provinceCode: '01',
    citizenId: '001194007890',
  },
];

export const ROLE_LABELS: Record<PersonRole, string> = {
  citizen: 'Công dân',
  business: 'Đại diện doanh nghiệp',
  desk_officer: 'Cán bộ một cửa',
  agency_officer: 'Cán bộ cơ quan giải quyết',
  catalog_admin: 'Quản trị danh mục thủ tục',
  operator: 'Vận hành hệ thống',
  support_agent: 'Tổng đài viên hỗ trợ trực tuyến',
};
