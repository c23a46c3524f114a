import ConformJSON

/// The credentials an IONOS mock accepts and announces.
struct IONOSCredentials: Sendable {
    var registryID: String
    var username: String
    var password: String
    var token: String
    /// The account's user id, shown in `metadata.createdByUserId`.
    var userID: String
}

/// One stored registry token.
struct IONOSToken: Sendable {
    var id: String
    var name: String
    /// `.string` or `.null`.
    var expiryDate: JSON
    /// `.array` or `.null`.
    var scopes: JSON
    var status: String
    var password: String
    var createdDate: String
    var lastModifiedDate: String?
}

/// The writable token properties of a POST/PUT body (`PostTokenProperties`).
struct IONOSTokenInput {
    var name: String
    var expiryDate: JSON = .null
    var scopes: JSON = .null
    var status: String?
}

/// The fields of a PATCH body (`PatchTokenInput`); `nil` = not sent.
struct IONOSPatchInput {
    var expiryDate: JSON?
    var scopes: JSON?
    var status: String?
}
