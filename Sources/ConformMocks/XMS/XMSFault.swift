/// Implementation bugs the XMS mock can be started with.
enum XMSFault: String, CaseIterable, Sendable {
    case secretOnGet = "secret-on-get"
    case secretInList = "secret-in-list"
    case regenerateKeepsOldSecret = "regenerate-keeps-old-secret"
    case regenerateSameSecret = "regenerate-same-secret"
    case paginationOffByOne = "pagination-off-by-one"
    case duplicateAcrossPages = "duplicate-across-pages"
    case pastEndError = "past-end-error"
    case authIgnored = "auth-ignored"
    case deletedStillReadable = "deleted-still-readable"
    case wrongSuccessStatus = "wrong-success-status"
    case wrongFieldType = "wrong-field-type"
    case patchNotPersisted = "patch-not-persisted"
    case listNotWrapped = "list-not-wrapped"
    case validationSkipped = "validation-skipped"

    var summary: String {
        switch self {
        case .secretOnGet: "GET of a token returns its secret in access_token.uuid"
        case .secretInList: "list items carry each token's secret in uuid"
        case .regenerateKeepsOldSecret: "after :regenerate the old uuid still validates and authenticates"
        case .regenerateSameSecret: ":regenerate answers with the unchanged uuid"
        case .paginationOffByOne: "a full page holds limit-1 items while the next offset still advances by limit (items skipped)"
        case .duplicateAcrossPages: "pages after the first start one item early, repeating the previous page's last item"
        case .pastEndError: "an offset past the last token answers 400 instead of an empty list"
        case .authIgnored: "requests without or with a wrong token are served"
        case .deletedStillReadable: "GET of a deleted token still answers 200 with the token"
        case .wrongSuccessStatus: "create answers 202 (the spec's \"Accepted\" text) instead of 201"
        case .wrongFieldType: "access_token.id is a string instead of an integer"
        case .patchNotPersisted: "PATCH answers with the new name but does not store it"
        case .listNotWrapped: "the list answers a bare array instead of {\"access_tokens\": [...]}"
        case .validationSkipped: "roles is not required and need not be an array of strings"
        }
    }
}
