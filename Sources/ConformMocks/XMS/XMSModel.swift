/// The credentials an XMS mock accepts and announces.
struct XMSCredentials: Sendable {
    /// The session token accepted in `Xms-Auth-Token` or `?token=`.
    var token: String
    /// The user the session token belongs to (`User_Nestview`).
    var userID: Int64 = 1
    var userName: String = "admin"
}

/// One stored access token.
struct XMSToken: Sendable {
    var id: Int64
    var name: String
    var description: String?
    var roles: [String]
    var create: String
    var update: String
    var used: Bool
    var userID: Int64
    var userName: String
    /// The secret (`AccessTokenCreateRecord.uuid`).
    var uuid: String
}
