// The `POST /v1/images/generations` answer (protocols.md §5.3).
extension OpenAIWire {
    struct ImagesResponse: Encodable {
        var created: Int
        var data: [Image]
        var usage: ImageUsage?

        /// One image: `url` or `b64_json`, and dall-e-3's `revised_prompt`; absent keys are left out.
        struct Image: Encodable {
            var url: String?
            var b64_json: String?
            var revised_prompt: String?
        }

        struct ImageUsage: Encodable {
            var input_tokens: Int
            var output_tokens: Int
            var total_tokens: Int
        }
    }
}
