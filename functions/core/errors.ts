/**
 * The portal's error catalogue: every non-2xx answer is one of these, in both languages, with a
 * machine-readable code. Handlers throw `AppError`; the HTTP error middleware is the one place that
 * turns errors into responses.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, en: 'The request is invalid.', vi: 'Yêu cầu không hợp lệ.' },
  MALFORMED_JSON: {
    status: 400,
    en: 'The request body is not valid JSON.',
    vi: 'Nội dung yêu cầu không phải JSON hợp lệ.',
  },
  JSON_TOO_DEEP: {
    status: 400,
    en: 'The request body nests objects or lists too deeply.',
    vi: 'Nội dung yêu cầu lồng nhau quá nhiều cấp.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    en: 'Send the body as application/json.',
    vi: 'Hãy gửi nội dung dạng application/json.',
  },
  IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    en: 'The Idempotency-Key header is required.',
    vi: 'Thiếu tiêu đề Idempotency-Key.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    en: 'This Idempotency-Key was already used with a different request.',
    vi: 'Idempotency-Key này đã được dùng cho một yêu cầu khác.',
  },
  UNAUTHENTICATED: { status: 401, en: 'Sign in to continue.', vi: 'Vui lòng đăng nhập để tiếp tục.' },
  INVALID_SIGNATURE: {
    status: 401,
    en: 'The request signature is missing or invalid.',
    vi: 'Chữ ký của yêu cầu không có hoặc không hợp lệ.',
  },
  AGENCY_HEADER_MISSING: {
    status: 400,
    en: 'Name the calling agency in the cong-agency-id header (its id in the agency registry, GET /v1/agencies).',
    vi: 'Thiếu tiêu đề cong-agency-id: hãy ghi mã cơ quan gửi (mã trong danh mục cơ quan, GET /v1/agencies).',
  },
  UNKNOWN_AGENCY: {
    status: 401,
    en: 'The agency named in the cong-agency-id header is not registered on the portal.',
    vi: 'Cơ quan ghi trong tiêu đề cong-agency-id chưa được đăng ký trên Cổng.',
  },
  SIGNATURE_REPLAYED: {
    status: 401,
    en: 'This signed request was already used: sign each request afresh, with a new webhook-id.',
    vi: 'Yêu cầu đã ký này đã được sử dụng: mỗi yêu cầu cần được ký mới, với webhook-id mới.',
  },
  FORBIDDEN: {
    status: 403,
    en: 'Your role may not do this.',
    vi: 'Vai trò của bạn không được phép thực hiện thao tác này.',
  },
  EDGE_REQUIRED: {
    status: 403,
    en: 'Call the portal at its public address; this address does not take requests directly.',
    vi: 'Vui lòng gọi Cổng qua địa chỉ công khai của Cổng; địa chỉ này không nhận yêu cầu trực tiếp.',
  },
  NOT_FOUND: { status: 404, en: 'Not found.', vi: 'Không tìm thấy.' },
  PROCEDURE_NOT_FOUND: { status: 404, en: 'No such procedure.', vi: 'Không tìm thấy thủ tục hành chính.' },
  AGENCY_NOT_FOUND: { status: 404, en: 'No such agency.', vi: 'Không tìm thấy cơ quan.' },
  PROVINCE_NOT_FOUND: {
    status: 404,
    en: 'No such province or centrally-run city.',
    vi: 'Không có tỉnh, thành phố trực thuộc trung ương với mã này.',
  },
  DOSSIER_NOT_FOUND: { status: 404, en: 'No such dossier.', vi: 'Không tìm thấy hồ sơ.' },
  ATTACHMENT_NOT_FOUND: {
    status: 404,
    en: 'The dossier has no such attachment.',
    vi: 'Hồ sơ không có tệp đính kèm này.',
  },
  UPLOAD_NOT_FOUND: {
    status: 400,
    en: 'An attachment refers to an upload that does not exist or is not yours.',
    vi: 'Tệp đính kèm không tồn tại hoặc không thuộc về bạn.',
  },
  UPLOAD_INCOMPLETE: {
    status: 400,
    en: 'An attachment was not uploaded, or differs from what was declared.',
    vi: 'Tệp đính kèm chưa được tải lên hoặc khác với thông tin đã khai báo.',
  },
  DOCUMENT_NOT_ACCEPTED: {
    status: 400,
    en: 'An attachment does not match the documents this procedure requires.',
    vi: 'Tệp đính kèm không phù hợp với thành phần hồ sơ của thủ tục.',
  },
  FILE_CONTENT_MISMATCH: {
    status: 422,
    en: 'An attached file is not what it was declared as: send a real PDF, JPEG or PNG scan.',
    vi: 'Tệp đính kèm không đúng định dạng đã khai báo: vui lòng gửi bản chụp PDF, JPEG hoặc PNG thật.',
  },
  UNKNOWN_PROCEDURE: {
    status: 400,
    en: 'There is no procedure with this code.',
    vi: 'Không có thủ tục hành chính với mã này.',
  },
  PROCEDURE_NOT_ONLINE: {
    status: 422,
    en: 'This procedure is not filed online on the portal: see its page for the documents, the agency and how to file there.',
    vi: 'Thủ tục này chưa được nộp trực tuyến trên Cổng: xem trang thủ tục để biết thành phần hồ sơ, cơ quan và cách nộp.',
  },
  UPLOAD_ALREADY_USED: {
    status: 409,
    en: 'An attachment is already part of another dossier; upload it again.',
    vi: 'Tệp đính kèm đã thuộc một hồ sơ khác; vui lòng tải lên lại.',
  },
  INVALID_FORM: {
    status: 400,
    en: 'The form does not match the procedure.',
    vi: 'Tờ khai không đúng mẫu của thủ tục.',
  },
  ILLEGAL_TRANSITION: {
    status: 409,
    en: 'This step is not allowed in the dossier’s current state.',
    vi: 'Không thể thực hiện bước này ở trạng thái hiện tại của hồ sơ.',
  },
  DOSSIER_NOT_ENDED: {
    status: 409,
    en: 'A dossier can be rated once it is completed or refused.',
    vi: 'Chỉ đánh giá được hồ sơ đã hoàn thành hoặc bị từ chối.',
  },
  ALREADY_RATED: {
    status: 409,
    en: 'This dossier has already been rated.',
    vi: 'Hồ sơ này đã được đánh giá.',
  },
  RESULT_NOT_ISSUED: {
    status: 409,
    en: 'The agency has not issued this dossier’s result yet.',
    vi: 'Cơ quan chưa trả kết quả giải quyết hồ sơ này.',
  },
  CONFLICT: {
    status: 409,
    en: 'The object changed meanwhile; try again.',
    vi: 'Dữ liệu vừa thay đổi; vui lòng thử lại.',
  },
  PRECONDITION_REQUIRED: {
    status: 428,
    en: 'Send If-Match with the version you last read; the object exists already.',
    vi: 'Hãy gửi tiêu đề If-Match với phiên bản vừa đọc; dữ liệu này đã tồn tại.',
  },
  PRECONDITION_FAILED: {
    status: 412,
    en: 'The object changed since you read it; read it again and retry.',
    vi: 'Dữ liệu đã thay đổi từ lần bạn đọc; vui lòng tải lại rồi thử lại.',
  },
  PAYMENT_NOT_REQUIRED: {
    status: 409,
    en: 'This dossier has no fee to pay online.',
    vi: 'Hồ sơ này không có lệ phí cần thanh toán trực tuyến.',
  },
  PAYMENT_ALREADY_MADE: {
    status: 409,
    en: 'This has already been paid.',
    vi: 'Khoản này đã được thanh toán.',
  },
  PAYMENT_NOT_FOUND: { status: 404, en: 'No such payment.', vi: 'Không tìm thấy giao dịch thanh toán.' },
  RECEIPT_NOT_FOUND: {
    status: 404,
    en: 'This payment has no receipt (it has not succeeded).',
    vi: 'Giao dịch chưa thành công nên chưa có biên lai.',
  },
  PAYMENT_PROVIDER_UNAVAILABLE: {
    status: 503,
    en: 'Online payment is not available right now; try again later.',
    vi: 'Thanh toán trực tuyến tạm thời không khả dụng; vui lòng thử lại sau.',
  },
  PAYMENT_REFUNDED: {
    status: 409,
    en: 'This was paid and then refunded; contact the agency before paying again.',
    vi: 'Khoản này đã được thanh toán rồi hoàn tiền; vui lòng liên hệ cơ quan trước khi thanh toán lại.',
  },
  PAYMENT_NOT_REFUNDABLE: {
    status: 409,
    en: 'Only a succeeded payment, or money flagged for refund, can be refunded.',
    vi: 'Chỉ hoàn tiền được giao dịch đã thành công hoặc khoản tiền đang chờ hoàn trả.',
  },
  REFUND_IN_PROGRESS: {
    status: 409,
    en: 'A refund of this payment is already in progress.',
    vi: 'Giao dịch này đang được hoàn tiền.',
  },
  REFUND_DECLINED: {
    status: 502,
    en: 'The payment provider refused the refund; nothing was changed.',
    vi: 'Đơn vị thanh toán từ chối hoàn tiền; chưa có thay đổi nào.',
  },
  REFUND_PROVIDER_UNAVAILABLE: {
    status: 503,
    en: 'The payment provider cannot be reached to refund; nothing was changed, try again later.',
    vi: 'Chưa kết nối được đơn vị thanh toán để hoàn tiền; chưa có thay đổi nào, vui lòng thử lại sau.',
  },
  SUPPLEMENT_DEADLINE_PASSED: {
    status: 409,
    en: 'The time the agency gave to supplement this dossier has passed; contact the agency about it.',
    vi: 'Đã hết thời hạn bổ sung hồ sơ do cơ quan đưa ra; vui lòng liên hệ cơ quan giải quyết.',
  },
  ANOMALY_NOT_FOUND: {
    status: 404,
    en: 'This payment has no anomaly recorded at that time.',
    vi: 'Giao dịch này không có bất thường nào được ghi nhận vào thời điểm đó.',
  },
  ANOMALY_NEEDS_REFUND: {
    status: 409,
    en: 'Money owed back is settled by refunding it, not by marking it resolved.',
    vi: 'Khoản tiền phải trả lại được xử lý bằng cách hoàn tiền, không thể chỉ đánh dấu đã xử lý.',
  },
  ANOMALY_ALREADY_RESOLVED: {
    status: 409,
    en: 'This anomaly was already resolved, with another note.',
    vi: 'Bất thường này đã được xử lý trước đó với ghi chú khác.',
  },
  BILL_NOT_FOUND: {
    status: 404,
    en: 'No bill was found for this customer code.',
    vi: 'Không tìm thấy hóa đơn của mã khách hàng này.',
  },
  NOTHING_DUE: { status: 409, en: 'There is nothing to pay.', vi: 'Không có khoản nào cần thanh toán.' },
  BILL_PAYMENT_IN_PROGRESS: {
    status: 409,
    en: 'This bill is being paid from another account; try again after that payment’s time is over.',
    vi: 'Hóa đơn này đang được thanh toán từ một tài khoản khác; vui lòng thử lại khi giao dịch đó hết hạn.',
  },
  BILLER_UNAVAILABLE: {
    status: 503,
    en: 'The biller cannot be reached right now; try again later.',
    vi: 'Hiện chưa kết nối được đơn vị thu; vui lòng thử lại sau.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, en: 'The request is too large.', vi: 'Yêu cầu quá lớn.' },
  RATE_LIMITED: {
    status: 429,
    en: 'Too many requests of this kind; try again after the time in Retry-After.',
    vi: 'Bạn đã gửi quá nhiều yêu cầu loại này; vui lòng thử lại sau khoảng thời gian trong Retry-After.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    en: 'This path does not accept this method.',
    vi: 'Đường dẫn này không hỗ trợ phương thức này.',
  },
  FUNCTION_UNAVAILABLE: {
    status: 501,
    en: 'This function is not available in the local portal.',
    vi: 'Chức năng này chưa có trên cổng chạy cục bộ.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    en: 'The portal is starting; try again in a moment.',
    vi: 'Cổng đang khởi động; vui lòng thử lại sau giây lát.',
  },
  READ_NOT_RECORDED: {
    status: 503,
    en: "The read could not be recorded in the citizen's access log, so nothing was shown; try again in a moment.",
    vi: 'Chưa ghi được lượt xem vào nhật ký truy cập của công dân nên dữ liệu chưa được hiển thị; vui lòng thử lại sau giây lát.',
  },
  SERVICE_BUSY: {
    status: 503,
    en: 'The portal is very busy right now and nothing was saved; send the same request again after the time in Retry-After.',
    vi: 'Cổng đang quá tải và yêu cầu chưa được lưu; vui lòng gửi lại đúng yêu cầu này sau khoảng thời gian trong Retry-After.',
  },
  ON_BEHALF_NOT_ALLOWED: {
    status: 403,
    en: 'Only a one-stop desk officer may file a dossier on behalf of a citizen.',
    vi: 'Chỉ cán bộ bộ phận một cửa mới được nộp hồ sơ thay cho công dân.',
  },
  CITIZEN_ACCOUNT_NOT_FOUND: {
    status: 422,
    en: 'This citizen has no account on the portal yet: ask them to sign in once with VNeID and save their profile, then file again.',
    vi: 'Công dân chưa có tài khoản trên Cổng: đề nghị công dân đăng nhập một lần bằng VNeID và lưu hồ sơ cá nhân, sau đó nộp lại.',
  },
  IDENTITY_NOT_VERIFIED: {
    status: 403,
    en: 'Your sign-in carries no citizen ID verified by VNeID: sign in with VNeID to save your profile.',
    vi: 'Tài khoản đăng nhập chưa có số định danh cá nhân được VNeID xác thực: vui lòng đăng nhập bằng VNeID để lưu hồ sơ cá nhân.',
  },
  CITIZEN_ID_TAKEN: {
    status: 409,
    en: 'Your citizen ID is already bound to another account on the portal; contact the portal support desk.',
    vi: 'Số định danh cá nhân của bạn đã gắn với một tài khoản khác trên Cổng; vui lòng liên hệ bộ phận hỗ trợ của Cổng.',
  },
  RESULT_DOCUMENT_NOT_FOUND: {
    status: 404,
    en: 'No such electronic result of this dossier issued by this agency.',
    vi: 'Không tìm thấy kết quả điện tử này của hồ sơ do cơ quan cấp.',
  },
  RESULT_DOCUMENT_NOT_VALID: {
    status: 409,
    en: 'This electronic result has already been revoked or replaced.',
    vi: 'Kết quả điện tử này đã bị thu hồi hoặc thay thế.',
  },
  SHARE_NOT_FOUND: {
    status: 404,
    en: 'This shared link does not exist or has expired.',
    vi: 'Đường dẫn chia sẻ không tồn tại hoặc đã hết hạn.',
  },
  DOCUMENT_NOT_FOUND: {
    status: 422,
    en: 'An attachment refers to an earlier document that does not exist or is not yours.',
    vi: 'Tệp đính kèm tham chiếu một giấy tờ đã nộp trước đây không tồn tại hoặc không thuộc về bạn.',
  },
  INTERNAL: {
    status: 500,
    en: 'Something went wrong on our side. Please try again.',
    vi: 'Hệ thống gặp sự cố. Vui lòng thử lại sau.',
  },
  PETITION_NOT_FOUND: { status: 404, en: 'No such petition.', vi: 'Không tìm thấy phản ánh, kiến nghị.' },
  PETITION_ILLEGAL_TRANSITION: {
    status: 409,
    en: 'This step is not allowed in the petition’s current state.',
    vi: 'Không thể thực hiện bước này ở trạng thái hiện tại của phản ánh, kiến nghị.',
  },
  DATA_REQUEST_NOT_FOUND: {
    status: 404,
    en: 'No such personal-data request.',
    vi: 'Không tìm thấy yêu cầu về dữ liệu cá nhân.',
  },
  DATA_REQUEST_ILLEGAL_TRANSITION: {
    status: 409,
    en: 'This step is not allowed in the personal-data request’s current state.',
    vi: 'Không thể thực hiện bước này ở trạng thái hiện tại của yêu cầu về dữ liệu cá nhân.',
  },
  DATA_REQUEST_NO_PROFILE: {
    status: 409,
    en: 'There is no saved profile to correct: save your profile first.',
    vi: 'Chưa có hồ sơ cá nhân đã lưu để chỉnh sửa: hãy lưu hồ sơ cá nhân trước.',
  },
  TICKET_NOT_FOUND: { status: 404, en: 'No such support ticket.', vi: 'Không tìm thấy yêu cầu hỗ trợ.' },
  TICKET_ILLEGAL_TRANSITION: {
    status: 409,
    en: 'This step is not allowed in the support ticket’s current state.',
    vi: 'Không thể thực hiện bước này ở trạng thái hiện tại của yêu cầu hỗ trợ.',
  },
  TICKET_ALREADY_REOPENED: {
    status: 409,
    en: 'A support ticket can be reopened once.',
    vi: 'Yêu cầu hỗ trợ chỉ được mở lại một lần.',
  },
  TICKET_ALREADY_RATED: {
    status: 409,
    en: 'This support ticket has already been rated.',
    vi: 'Yêu cầu hỗ trợ này đã được đánh giá.',
  },
  FAQ_ALREADY_PUBLISHED: {
    status: 409,
    en: 'This ticket’s answer is already a FAQ entry.',
    vi: 'Câu trả lời của yêu cầu này đã được đưa vào bộ câu hỏi thường gặp.',
  },
} as const satisfies Record<string, { status: number; en: string; vi: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  readonly messageVi: string;
  /** Response headers the error carries (e.g. Retry-After on 429). */
  headers?: Record<string, string>;
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
    message?: { en: string; vi: string },
  ) {
    super(message?.en ?? ERRORS[code].en);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
    this.messageVi = message?.vi ?? ERRORS[code].vi;
  }

  toBody() {
    return {
      error: {
        code: this.code,
        message: this.message,
        messageVi: this.messageVi,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}
