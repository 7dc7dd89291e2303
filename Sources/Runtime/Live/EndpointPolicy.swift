/// Where live sockets may bind: loopback (or a host-local transport) unless CURVE is on.
enum EndpointPolicy {
    /// True for endpoints no other host can reach: `tcp://` on 127.0.0.0/8, `localhost`, `[::1]`
    /// or the `lo` interface, and the host-local transports `ipc://` and `inproc://`.
    static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        let address = endpoint.dropFirst("tcp://".count)
        guard let colon = address.lastIndex(of: ":") else { return false }
        let host = address[..<colon]
        if host == "localhost" || host == "[::1]" || host == "lo" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Refuses to bind `endpoint` off this host unless the socket speaks CURVE.
    static func checkBind(_ endpoint: String, secured: Bool, role: String) throws {
        if !secured && !isLocal(endpoint) {
            throw LiveIOError("refusing to bind the \(role) endpoint \(endpoint): only loopback (tcp://127.0.0.1:PORT, ipc://) is allowed "
                + "without CURVE keys; make keys with `neurite keygen` and configure them to bind another address")
        }
    }
}
