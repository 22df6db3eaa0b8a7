/// Whether and which tool the model must call (OpenAI's `tool_choice`), so each provider can be
/// asked the same thing (Gemini `toolConfig.functionCallingConfig`) or refuse what it cannot do.
public enum ToolChoice: Sendable, Equatable {
    /// The model decides (the default when tools are given).
    case auto
    /// No tool may be called.
    case none
    /// Some tool must be called.
    case required
    /// This function must be called.
    case function(String)

    /// OpenAI's spelling, for messages and the stored document.
    public var label: String {
        switch self {
        case .auto: return "auto"
        case .none: return "none"
        case .required: return "required"
        case .function(let name): return "function:\(name)"
        }
    }
}
