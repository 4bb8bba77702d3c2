//! The RFC 9457 problem envelope every non-2xx response carries, and the
//! catalogue of stable problem codes clients branch on.

use poem_openapi::Object;
use poem_openapi::types::Example;

/// Problem details (RFC 9457), the body of every error response, served as
/// `application/problem+json`.
#[derive(Debug, Clone, Object)]
#[oai(rename = "Problem", example)]
pub struct Problem {
    /// A URI naming the kind of problem; `code` carries the same information
    /// in a form easier to branch on.
    #[oai(rename = "type")]
    pub type_uri: String,
    /// A short, human summary of the kind of problem; stable for a `code`.
    pub title: String,
    /// The HTTP status code of this response.
    pub status: i32,
    /// A human sentence about this occurrence.
    pub detail: String,
    /// A stable, machine-readable code: one of `MALFORMED_REQUEST`,
    /// `VALIDATION_FAILED`, `NEED_LOGIN`, `INVALID_TOKEN`, `SESSION_EXPIRED`,
    /// `API_KEY_INVALID`, `API_KEY_REVOKED`, `API_KEY_EXPIRED`,
    /// `SERVICE_ACCOUNT_DISABLED`, `INVALID_CREDENTIALS`, `FORBIDDEN`,
    /// `SERVICE_ACCOUNT_NOT_ALLOWED`, `NOT_FOUND`, `METHOD_NOT_ALLOWED`,
    /// `EMAIL_TAKEN`, `ALREADY_MEMBER`, `LAST_ADMIN`, `CUSTOM_FIELD_KEY_TAKEN`,
    /// `CUSTOM_FIELD_IN_USE`, `CASE_TEMPLATE_NAME_TAKEN`, `CASE_LINK_EXISTS`,
    /// `CASE_LINK_CYCLE`, `CASE_MERGED`, `WEBHOOK_INACTIVE`, `VERSION_CONFLICT`, `SCAN_FINISHED`,
    /// `SCAN_NOT_FINISHED`, `TARGET_OUT_OF_SCOPE`, `PAYLOAD_TOO_LARGE`,
    /// `UNSUPPORTED_MEDIA_TYPE`, `IDEMPOTENCY_KEY_REUSED`, `RATE_LIMITED`,
    /// `INTERNAL`. New codes may be added; treat unknown ones by `status`.
    pub code: String,
    /// The id of the request (also in the `X-Request-Id` header); quote it
    /// when reporting a problem.
    pub request_id: String,
    /// On validation failures: one entry per offending field.
    #[oai(skip_serializing_if_is_none)]
    pub errors: Option<Vec<ProblemFieldError>>,
}

impl Example for Problem {
    fn example() -> Self {
        Self {
            type_uri: ProblemKind::ValidationFailed.type_uri().into(),
            title: ProblemKind::ValidationFailed.title().into(),
            status: 422,
            detail: "The request has invalid fields: display_name.".into(),
            code: ProblemKind::ValidationFailed.code().into(),
            request_id: "req_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b".into(),
            errors: Some(vec![ProblemFieldError {
                field: "display_name".into(),
                message: "must not be empty".into(),
            }]),
        }
    }
}

/// What went wrong with one item of a batch: the `status`, `code`, `title`,
/// `detail` and `errors` a single request for that item would have
/// answered with.
#[derive(Debug, Clone, Object)]
pub struct ItemProblem {
    /// The HTTP status a single request would have answered.
    pub status: i32,
    /// A stable, machine-readable code (as in `Problem`).
    pub code: String,
    /// A short, human summary of the kind of problem.
    pub title: String,
    /// A human sentence about this item.
    pub detail: String,
    /// On validation failures: one entry per offending field.
    #[oai(skip_serializing_if_is_none)]
    pub errors: Option<Vec<ProblemFieldError>>,
}

/// What is wrong with one field of the request.
#[derive(Debug, Clone, Object)]
pub struct ProblemFieldError {
    /// The field's name as sent (`display_name`), or `body` for the body as a whole.
    pub field: String,
    /// What is wrong with it (`must not be empty`).
    pub message: String,
}

macro_rules! problem_kinds {
    ($($(#[$doc:meta])* $kind:ident = ($status:literal, $code:literal, $slug:literal, $title:literal);)*) => {
        /// Every kind of problem Casebook answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ProblemKind {
            $($(#[$doc])* $kind,)*
        }

        impl ProblemKind {
            /// The HTTP status.
            pub fn status(self) -> u16 {
                match self { $(Self::$kind => $status,)* }
            }

            /// The stable code.
            pub fn code(self) -> &'static str {
                match self { $(Self::$kind => $code,)* }
            }

            /// The short title.
            pub fn title(self) -> &'static str {
                match self { $(Self::$kind => $title,)* }
            }

            /// The `type` URI.
            pub fn type_uri(self) -> &'static str {
                match self { $(Self::$kind => concat!("https://casebook.invalid/problems/", $slug),)* }
            }
        }
    };
}

problem_kinds! {
    /// The body is not well-formed JSON.
    MalformedRequest = (400, "MALFORMED_REQUEST", "malformed-request", "Malformed request");
    /// No credentials were sent.
    NeedLogin = (401, "NEED_LOGIN", "need-login", "Sign-in required");
    /// The token is malformed or badly signed.
    InvalidToken = (401, "INVALID_TOKEN", "invalid-token", "Invalid token");
    /// The session expired or was signed out.
    SessionExpired = (401, "SESSION_EXPIRED", "session-expired", "Session expired");
    /// The API key is malformed, its checksum fails, or no such key exists.
    ApiKeyInvalid = (401, "API_KEY_INVALID", "api-key-invalid", "Invalid API key");
    /// The API key was revoked.
    ApiKeyRevoked = (401, "API_KEY_REVOKED", "api-key-revoked", "API key revoked");
    /// The API key has expired.
    ApiKeyExpired = (401, "API_KEY_EXPIRED", "api-key-expired", "API key expired");
    /// The API key's service account is disabled.
    ServiceAccountDisabled = (401, "SERVICE_ACCOUNT_DISABLED", "service-account-disabled", "Service account disabled");
    /// Wrong email or password.
    InvalidCredentials = (401, "INVALID_CREDENTIALS", "invalid-credentials", "Invalid credentials");
    /// Signed in, but the role does not allow it.
    Forbidden = (403, "FORBIDDEN", "forbidden", "Forbidden");
    /// Only a person may do this, not a service account (an API key).
    ServiceAccountNotAllowed = (403, "SERVICE_ACCOUNT_NOT_ALLOWED", "service-account-not-allowed", "Not for service accounts");
    /// Nothing here (or nothing the caller may know of).
    NotFound = (404, "NOT_FOUND", "not-found", "Not found");
    /// The route exists, the method does not.
    MethodNotAllowed = (405, "METHOD_NOT_ALLOWED", "method-not-allowed", "Method not allowed");
    /// The account is a member of the workspace already.
    AlreadyMember = (409, "ALREADY_MEMBER", "already-member", "Already a member");
    /// The change would leave a workspace without an admin.
    LastAdmin = (409, "LAST_ADMIN", "last-admin", "Last admin");
    /// The email is registered already.
    EmailTaken = (409, "EMAIL_TAKEN", "email-taken", "Email taken");
    /// Another custom field of the workspace has this key.
    CustomFieldKeyTaken = (409, "CUSTOM_FIELD_KEY_TAKEN", "custom-field-key-taken", "Custom field key taken");
    /// Cases hold values the change would remove (ask to clear them).
    CustomFieldInUse = (409, "CUSTOM_FIELD_IN_USE", "custom-field-in-use", "Custom field in use");
    /// Another case template of the workspace has this name.
    CaseTemplateNameTaken = (409, "CASE_TEMPLATE_NAME_TAKEN", "case-template-name-taken", "Case template name taken");
    /// The two cases are linked already.
    CaseLinkExists = (409, "CASE_LINK_EXISTS", "case-link-exists", "Cases linked already");
    /// The `parent_of` link would make a case its own ancestor.
    CaseLinkCycle = (409, "CASE_LINK_CYCLE", "case-link-cycle", "Case link cycle");
    /// The case was merged into another: it takes no new content and
    /// cannot take part in another merge.
    CaseMerged = (409, "CASE_MERGED", "case-merged", "Case merged");
    /// The webhook subscription is not active, so nothing would be sent.
    WebhookInactive = (409, "WEBHOOK_INACTIVE", "webhook-inactive", "Webhook inactive");
    /// The resource changed since the client read it.
    VersionConflict = (409, "VERSION_CONFLICT", "version-conflict", "Version conflict");
    /// The body is larger than allowed.
    PayloadTooLarge = (413, "PAYLOAD_TOO_LARGE", "payload-too-large", "Payload too large");
    /// The body's media type is not accepted.
    UnsupportedMediaType = (415, "UNSUPPORTED_MEDIA_TYPE", "unsupported-media-type", "Unsupported media type");
    /// The uploaded file's content is not of an allowed type, or not of
    /// the type it was declared as.
    UnsupportedFileType = (415, "UNSUPPORTED_FILE_TYPE", "unsupported-file-type", "Unsupported file type");
    /// The requested byte range lies outside the content; `Content-Range`
    /// gives its size.
    RangeNotSatisfiable = (416, "RANGE_NOT_SATISFIABLE", "range-not-satisfiable", "Range not satisfiable");
    /// The case or scan has as many attachments as allowed.
    AttachmentLimitReached = (409, "ATTACHMENT_LIMIT_REACHED", "attachment-limit-reached", "Attachment limit reached");
    /// Well-formed, but some fields are invalid.
    ValidationFailed = (422, "VALIDATION_FAILED", "validation-failed", "Validation failed");
    /// The scan target lies outside the networks this server may scan.
    TargetOutOfScope = (422, "TARGET_OUT_OF_SCOPE", "target-out-of-scope", "Target out of scope");
    /// The scan has already finished.
    ScanFinished = (409, "SCAN_FINISHED", "scan-finished", "Scan finished");
    /// The scan has not finished yet.
    ScanNotFinished = (409, "SCAN_NOT_FINISHED", "scan-not-finished", "Scan not finished");
    /// The idempotency key was used with a different request.
    IdempotencyKeyReused = (422, "IDEMPOTENCY_KEY_REUSED", "idempotency-key-reused", "Idempotency key reused");
    /// Too many requests; see `Retry-After`.
    RateLimited = (429, "RATE_LIMITED", "rate-limited", "Rate limited");
    /// Something failed on the server.
    Internal = (500, "INTERNAL", "internal", "Internal error");
    /// The server cannot answer now (for example, the database is unreachable).
    Unavailable = (503, "UNAVAILABLE", "unavailable", "Service unavailable");
}
