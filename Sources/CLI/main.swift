import Foundation

// Exit codes (DESIGN §5.2): 0 success, 1 invalid input, 2 usage error, 3 run-time failure.
exit(NeuriteCommand.runMain(Array(CommandLine.arguments.dropFirst())))
