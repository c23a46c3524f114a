/// Implementation bugs the IONOS mock can be started with.
enum IONOSFault: String, CaseIterable, Sendable {
    case secretOnGet = "secret-on-get"
    case secretInList = "secret-in-list"
    case secretOnPatch = "secret-on-patch"
    case putReplaceReturnsPassword = "put-replace-returns-password"
    case putReplaceRenames = "put-replace-renames"
    case patchNotPersisted = "patch-not-persisted"
    case paginationOffByOne = "pagination-off-by-one"
    case duplicateAcrossPages = "duplicate-across-pages"
    case pastEndError = "past-end-error"
    case wrongTotal = "wrong-total"
    case authIgnored = "auth-ignored"
    case deletedStillReadable = "deleted-still-readable"
    case wrongSuccessStatus = "wrong-success-status"
    case wrongFieldType = "wrong-field-type"
    case validationSkipped = "validation-skipped"
    case missingLocation = "missing-location"

    var summary: String {
        switch self {
        case .secretOnGet: "GET of a token returns its real password in properties.credentials.password"
        case .secretInList: "list items carry the real password in properties.credentials.password"
        case .secretOnPatch: "the PATCH response carries the real password"
        case .putReplaceReturnsPassword: "PUT that replaces an existing token returns its password again"
        case .putReplaceRenames: "PUT that replaces an existing token changes its name"
        case .patchNotPersisted: "PATCH answers with the change but does not store it"
        case .paginationOffByOne: "a full page holds limit-1 items while the next offset still advances by limit (items skipped)"
        case .duplicateAcrossPages: "pages after the first start one item early, repeating the previous page's last item"
        case .pastEndError: "an offset past the last token answers 400 instead of an empty page"
        case .wrongTotal: "total counts one token more than exist"
        case .authIgnored: "requests without or with wrong credentials are served"
        case .deletedStillReadable: "GET of a deleted token still answers 200 with the token"
        case .wrongSuccessStatus: "POST create answers 200 instead of 201"
        case .wrongFieldType: "the list envelope's limit and offset are strings instead of integers"
        case .validationSkipped: "the token name pattern and the status enum are not enforced"
        case .missingLocation: "POST create answers 201 without a Location header"
        }
    }
}
