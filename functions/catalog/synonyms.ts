/**
 * The words citizens use next to the words procedures are named with. Data only; search.ts applies it.
 *
 * - SYNONYM_GROUPS: phrases that mean one thing ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất"). Each group
 *   has one indexed term: a document holding any of the phrases is indexed under it (when the catalog
 *   is built, so a phrase is matched as a phrase, once), and a query holding any of them searches it.
 *   Where an abbreviation is usual (BHYT, PCCC) it is the term, so typing it finds both spellings; the
 *   first phrase is the official wording, whose words are indexed wherever the abbreviation is written.
 * - FILLER: words that say nothing about which procedure is meant ("thủ tục", "ở đâu", "như thế nào").
 * - SOFT: everyday verbs that usually stand for an official one ("làm", "xin" → "cấp"): a match ranks
 *   higher, but a procedure without it is not excluded.
 * - SECONDARY: variants of a procedure (reissue, exchange, revocation, with a foreign element…). A
 *   citizen who does not ask for one wants the everyday procedure first; `asked` lists the query words
 *   that do ask for it.
 *
 * - CONTEXT_GROUPS: phrases that mean the group's thing only in procedures of some fields.
 *
 * Why at index time: a phrase is matched once per catalog, as a phrase and with its tone marks (a
 * query typed without marks cannot tell "sổ đỏ" from "sơ đồ"; the catalog's text can), and a query
 * then reads one posting list per phrase instead of intersecting its common words ("giấy", "đất").
 * Changing SYNONYM_GROUPS, CONTEXT_GROUPS or SECONDARY changes what is indexed: the index format
 * carries their fingerprint, so a stale prebuilt index is rebuilt at cold start; rebuild the
 * published one with `npm run catalog:import -- --reindex`.
 */

export interface SynonymGroup {
  term: string;
  phrases: readonly string[];
}

const group = (term: string, ...phrases: string[]): SynonymGroup => ({ term, phrases });

export const SYNONYM_GROUPS: readonly SynonymGroup[] = [
  // Abbreviations, with the phrases they stand for.
  group('bhyt', 'bảo hiểm y tế'),
  group('bhxh', 'bảo hiểm xã hội'),
  group('bhtn', 'bảo hiểm thất nghiệp'),
  group('gplx', 'giấy phép lái xe', 'bằng lái xe', 'bằng lái'),
  group(
    'cccd',
    'thẻ căn cước',
    'căn cước',
    'căn cước công dân',
    'thẻ căn cước công dân',
    'chứng minh nhân dân',
    'chứng minh thư',
    'cmnd',
    'cmt',
  ),
  group('c/o', 'giấy chứng nhận xuất xứ'),
  group('dkkd', 'đăng ký kinh doanh', 'đăng ký doanh nghiệp'),
  group('hkd', 'hộ kinh doanh'),
  group('gpxd', 'giấy phép xây dựng', 'phép xây dựng', 'phép xây nhà'),
  group('km', 'khuyến mãi'),
  group('ubnd', 'ủy ban nhân dân'),
  group('tthc', 'thủ tục hành chính'),
  group('mst', 'mã số thuế', 'đăng ký thuế'),
  group('gcn', 'giấy chứng nhận'),
  group('dvc', 'dịch vụ công'),
  group('qsdd', 'quyền sử dụng đất'),
  group('pccc', 'phòng cháy chữa cháy', 'phòng cháy và chữa cháy', 'phòng cháy'),
  group('gtgt', 'giá trị gia tăng', 'vat'),
  group('tncn', 'thu nhập cá nhân'),
  group('tndn', 'thu nhập doanh nghiệp'),
  group('ttdb', 'tiêu thụ đặc biệt'),
  group('tnhh', 'trách nhiệm hữu hạn'),
  group('htx', 'hợp tác xã'),
  group('lltp', 'lý lịch tư pháp', 'không tiền án', 'không có tiền án'),
  group('tnld', 'tai nạn lao động'),
  group('bnn', 'bệnh nghề nghiệp'),
  group('xnc', 'xuất nhập cảnh', 'xuất cảnh nhập cảnh'),
  group('nvqs', 'nghĩa vụ quân sự'),
  group('vneid', 'định danh điện tử', 'tài khoản định danh', 'căn cước điện tử'),
  // Everyday names of documents and procedures.
  group(
    'sodo',
    'giấy chứng nhận quyền sử dụng đất',
    'sổ đỏ',
    'sổ hồng',
    'giấy chứng nhận quyền sở hữu nhà',
    'bìa đỏ',
    'bìa hồng',
    'sổ nhà đất',
    'sổ đất',
  ),
  group('hochieu', 'hộ chiếu', 'passport', 'hộ chiếu phổ thông'),
  group('thithuc', 'thị thực', 'visa'),
  group('thuongtru', 'đăng ký thường trú', 'hộ khẩu', 'nhập hộ khẩu', 'đăng ký hộ khẩu'),
  group('xoathuongtru', 'xóa đăng ký thường trú', 'cắt khẩu', 'cắt hộ khẩu', 'xóa hộ khẩu', 'xóa thường trú'),
  group('tachho', 'tách hộ', 'tách hộ khẩu', 'tách khẩu'),
  group('tamtru', 'tạm trú', 'đăng ký tạm trú'),
  group('tamvang', 'tạm vắng', 'khai báo tạm vắng'),
  group('honnhan', 'tình trạng hôn nhân', 'độc thân', 'giấy độc thân'),
  group('khaisinh', 'khai sinh', 'giấy khai sinh', 'làm giấy khai sinh'),
  group('khaitu', 'khai tử', 'báo tử', 'giấy báo tử', 'chứng tử'),
  group('kethon', 'kết hôn', 'đăng ký cưới', 'giấy đăng ký kết hôn'),
  group('connuoi', 'nuôi con nuôi', 'nhận con nuôi', 'xin con nuôi'),
  group('chungthuc', 'chứng thực', 'công chứng'),
  group('saoy', 'chứng thực bản sao', 'sao y', 'sao y bản chính', 'công chứng giấy tờ', 'công chứng bản sao'),
  group('ghiso', 'ghi vào sổ hộ tịch', 'ghi chú'),
  group('doanhnghiep', 'doanh nghiệp', 'công ty'),
  // Tone marks tell these apart from "cấp … lái", "đổi" in "thay đổi": indexed as written.
  group('caplai', 'cấp lại'),
  group('capdoi', 'cấp đổi'),
  group('disan', 'di sản', 'thừa kế'),
  group('dangkyxe', 'đăng ký xe', 'đăng ký biển số xe', 'cà vẹt', 'cavet'),
  group('sangten', 'thay đổi chủ xe', 'sang tên xe', 'sang tên đổi chủ'),
  group('chuyennhuong', 'chuyển nhượng', 'sang tên', 'mua bán'),
  group('thechap', 'đăng ký biện pháp bảo đảm', 'thế chấp'),
  group('tachthua', 'tách thửa', 'tách sổ', 'chia tách thửa'),
  group('chuyenmucdich', 'chuyển mục đích sử dụng đất', 'lên thổ cư', 'chuyển đất ở', 'chuyển lên đất ở'),
  group('vukhi', 'vũ khí', 'súng'),
  group('hoanthue', 'hoàn thuế', 'hoàn lại thuế'),
  group('thanhlapcongty', 'đăng ký thành lập công ty', 'thành lập công ty', 'mở công ty', 'lập công ty'),
  group('thanhlaphkd', 'đăng ký thành lập hộ kinh doanh', 'mở hộ kinh doanh', 'lập hộ kinh doanh'),
  group('thaisan', 'thai sản', 'sinh con', 'nghỉ đẻ'),
  group('motlan', 'một lần', '1 lần'),
  group('tutuat', 'tử tuất', 'tiền tuất'),
  group('nhaoxahoi', 'nhà ở xã hội', 'nhà xã hội'),
];

/**
 * Phrases that name the group's thing only in some procedures: "Giấy chứng nhận" is the land
 * certificate in a land procedure. Indexed where the procedure's field (lĩnh vực) is one of `where`.
 */
export const CONTEXT_GROUPS: readonly (SynonymGroup & { where: readonly string[] })[] = [
  { term: 'sodo', phrases: ['giấy chứng nhận'], where: ['đất đai'] },
];

/** Words dropped from a query: they do not tell procedures apart. */
export const FILLER: readonly string[] = [
  'thủ tục',
  'thu tuc',
  'hồ sơ',
  'những',
  'gì',
  'ở đâu',
  'như thế nào',
  'thế nào',
  'bao lâu',
  'bao nhiêu',
  'có được',
  'không',
  'muốn',
  'tôi',
  'mình',
  'cho',
  'bị',
  'của',
  'thì',
  'ạ',
  'với',
  'để',
  'online',
  'bé',
  'cháu',
  'nhanh',
];

/** Everyday verb → the official words it usually stands for. */
export const SOFT: Readonly<Record<string, readonly string[]>> = {
  làm: ['cấp', 'đăng ký'],
  xin: ['cấp'],
  mở: ['thành lập', 'đăng ký'],
  đổi: ['cấp đổi'],
  mất: ['cấp lại'],
  sửa: ['sửa chữa', 'cải tạo'],
  đóng: ['chấm dứt'],
  tăng: ['thay đổi'],
  giảm: ['thay đổi'],
};

export interface Secondary {
  /** The variant as it appears in a procedure's name. */
  phrase: string;
  /** Query words that ask for it. */
  asked: readonly string[];
}

const secondary = (phrase: string, ...asked: string[]): Secondary => ({ phrase, asked: [phrase, ...asked] });

export const SECONDARY: readonly Secondary[] = [
  secondary('cấp lại', 'lại', 'mất', 'hỏng', 'rách'),
  secondary('đăng ký lại', 'lại'),
  secondary('cấp đổi', 'đổi', 'hết hạn'),
  secondary('thu hồi'),
  secondary('xóa', 'cắt'),
  secondary('hủy'),
  secondary('gia hạn', 'hết hạn'),
  secondary('điều chỉnh', 'sửa'),
  secondary('đính chính', 'sửa', 'sai'),
  secondary('chấm dứt', 'đóng', 'dừng'),
  secondary('khôi phục'),
  secondary('trình báo mất', 'mất'),
  secondary('tạm ngừng', 'ngừng', 'dừng'),
  secondary('có yếu tố nước ngoài', 'nước ngoài', 'người nước ngoài', 'ngoại quốc', 'việt kiều'),
  secondary('lưu động'),
  secondary('khu vực biên giới', 'biên giới'),
  secondary('kết hợp'),
  secondary('người dịch', 'dịch', 'dịch thuật'),
  secondary('liên thông'),
];
