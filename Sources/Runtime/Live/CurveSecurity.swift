import CZeroMQ
import Foundation

/// A CURVE key pair (Curve25519), each key as 40 Z85 characters, made by `zmq_curve_keypair`.
public struct CurveKeyPair: Equatable, Sendable {
    public var publicKey: String
    public var secretKey: String

    public init(publicKey: String, secretKey: String) throws {
        for (name, key) in [("public", publicKey), ("secret", secretKey)] where !Self.isValidKey(key) {
            throw LiveIOError("not a CURVE \(name) key (40 Z85 characters): '\(key.prefix(48))'")
        }
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A new random key pair.
    public static func generate() throws -> CurveKeyPair {
        var pub = [CChar](repeating: 0, count: 41), sec = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&pub, &sec) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
        return try CurveKeyPair(publicKey: String(cString: pub), secretKey: String(cString: sec))
    }

    /// True if `key` is 40 Z85 characters that decode to 32 bytes.
    public static func isValidKey(_ key: String) -> Bool {
        guard key.utf8.count == 40 else { return false }
        var out = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&out, key) != nil
    }

    /// Writes `BASE.pub` (the public key) and `BASE.key` (the secret key, mode 0600), each a
    /// comment line and the key on a line of its own.
    public func write(to base: String) throws {
        try Self.writeKeyFile(base + ".pub", kind: "public", key: publicKey, mode: 0o644)
        try Self.writeKeyFile(base + ".key", kind: "secret", key: secretKey, mode: 0o600)
    }

    /// Reads the pair that ``write(to:)`` wrote.
    public static func read(from base: String) throws -> CurveKeyPair {
        try CurveKeyPair(publicKey: readKeyFile(base + ".pub"), secretKey: readKeyFile(base + ".key"))
    }

    /// The key in a key file: its first line that is neither blank nor a `#` comment.
    public static func readKeyFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw LiveIOError("cannot read the key file '\(path)'") }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard let key = lines.map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty && !$0.hasPrefix("#") }),
              isValidKey(key) else { throw LiveIOError("'\(path)' holds no CURVE key (40 Z85 characters on a line)") }
        return key
    }

    private static func writeKeyFile(_ path: String, kind: String, key: String, mode: Int) throws {
        let text = "# neurite CURVE \(kind) key (Z85)\n\(key)\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw LiveIOError("cannot write the key file '\(path)'")
        }
    }
}

/// CURVE for the sockets a process binds: its own key pair and the public keys of the peers it
/// lets in (checked by a ZAP handler; everyone else is refused).
public struct CurveServerSecurity: Equatable, Sendable {
    public var keys: CurveKeyPair
    /// Z85 public keys of the clients (or peers) allowed to connect.
    public var allowedClientKeys: [String]

    public init(keys: CurveKeyPair, allowedClientKeys: [String]) {
        self.keys = keys
        self.allowedClientKeys = allowedClientKeys
    }

    /// Makes `socket` a CURVE server whose handshakes go to the ZAP handler (domain `neurite`).
    func apply(to socket: ZMQSocket) throws {
        try socket.set(ZMQ_CURVE_SERVER, 1)
        try socket.set(ZMQ_CURVE_SECRETKEY, bytes: Array(keys.secretKey.utf8) + [0])
        try socket.set(ZMQ_ZAP_DOMAIN, ZAPHandler.domain)
    }
}

/// CURVE for the sockets a client connects: its own key pair and the server's public key.
public struct CurveClientSecurity: Equatable, Sendable {
    public var keys: CurveKeyPair
    /// Z85 public key of the server (or peer) to connect to.
    public var serverPublicKey: String

    public init(keys: CurveKeyPair, serverPublicKey: String) {
        self.keys = keys
        self.serverPublicKey = serverPublicKey
    }

    func apply(to socket: ZMQSocket) throws {
        try socket.set(ZMQ_CURVE_SERVERKEY, bytes: Array(serverPublicKey.utf8) + [0])
        try socket.set(ZMQ_CURVE_PUBLICKEY, bytes: Array(keys.publicKey.utf8) + [0])
        try socket.set(ZMQ_CURVE_SECRETKEY, bytes: Array(keys.secretKey.utf8) + [0])
    }
}
