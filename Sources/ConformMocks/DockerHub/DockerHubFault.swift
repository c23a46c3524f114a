/// Implementation bugs the Docker Hub mock can be started with.
enum DockerHubFault: String, CaseIterable, Sendable {
    case secretOnGet = "secret-on-get"
    case secretInList = "secret-in-list"
    case paginationOffByOne = "pagination-off-by-one"
    case duplicateAcrossPages = "duplicate-across-pages"
    case pastEndError = "past-end-error"
    case wrongTotal = "wrong-total"
    case nextOnLastPage = "next-on-last-page"
    case authIgnored = "auth-ignored"
    case deletedStillReadable = "deleted-still-readable"
    case wrongSuccessStatus = "wrong-success-status"
    case wrongFieldType = "wrong-field-type"
    case patchNotPersisted = "patch-not-persisted"
    case deactivatedTokenExchanges = "deactivated-token-exchanges"
    case validationSkipped = "validation-skipped"

    var summary: String {
        switch self {
        case .secretOnGet: "GET of a token returns its secret in the token field"
        case .secretInList: "list results carry each token's secret in the token field"
        case .paginationOffByOne: "a full page holds page_size-1 results while the next page still starts page_size further (results skipped)"
        case .duplicateAcrossPages: "pages after the first start one result early, repeating the previous page's last result"
        case .pastEndError: "a page past the last one answers 404 {\"detail\":\"Invalid page.\"} instead of empty results"
        case .wrongTotal: "total counts one token more than exist"
        case .nextOnLastPage: "the next link points to a further page even on the last page"
        case .authIgnored: "requests without or with a wrong bearer JWT are served"
        case .deletedStillReadable: "GET of a deleted token still answers 200 with the token"
        case .wrongSuccessStatus: "create answers 200 instead of 201"
        case .wrongFieldType: "is_active is the string \"true\"/\"false\" instead of a boolean"
        case .patchNotPersisted: "PATCH answers with the change but does not store it"
        case .deactivatedTokenExchanges: "a deactivated (is_active=false) token still exchanges for a JWT at /v2/auth/token"
        case .validationSkipped: "label is not required and resource types are not checked against TYPE_REPO/TYPE_ORG"
        }
    }
}
