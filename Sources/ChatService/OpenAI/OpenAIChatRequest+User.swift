extension OpenAIChatRequest {
    /// The `user` field checked like `/v1/chat`'s `userId` (it becomes the stored `userId`):
    /// absent is fine, blank or longer than 256 characters is a 400 naming `user` (issue 14 row 11).
    func validatedUser() throws(APIError) -> String? {
        guard let user else { return nil }
        guard !user.allSatisfy(\.isWhitespace) else {
            throw .invalidRequest("user must not be empty", param: "user")
        }
        guard user.count <= ChatRequest.maxUserIdLength else {
            throw .invalidRequest("user must be at most \(ChatRequest.maxUserIdLength) characters", param: "user")
        }
        return user
    }
}
