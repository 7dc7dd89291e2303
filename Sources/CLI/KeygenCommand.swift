import ArgumentParser
import Foundation
import Runtime

/// `neurite keygen BASE`: a CURVE key pair for live I/O and split runs beyond loopback.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a CURVE key pair (BASE.pub, BASE.key) for live I/O and split runs beyond loopback.",
        discussion: """
            BASE.pub holds the public key and BASE.key the secret key (mode 0600), each as 40 Z85 characters on a line of \
            its own after a comment line. Give the simulator its own pair and the public keys of the clients it lets in; \
            give each client its own pair and the simulator's public key (docs/live-io.md).
            """)

    @Argument(help: "Path and base name of the two files.")
    var base: String

    @Flag(help: "Overwrite existing key files.")
    var force = false

    func run() throws {
        for path in [base + ".pub", base + ".key"] where !force && FileManager.default.fileExists(atPath: path) {
            throw InputError(message: "'\(path)' exists; pass --force to overwrite it")
        }
        do {
            let keys = try CurveKeyPair.generate()
            try keys.write(to: base)
            print("public key \(keys.publicKey)\nwrote \(base).pub and \(base).key (secret, mode 0600)")
        } catch let error as LiveIOError {
            throw InputError(message: error.description)
        }
    }
}
