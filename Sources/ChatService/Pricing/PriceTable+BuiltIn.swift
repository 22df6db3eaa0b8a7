extension PriceTable {
    /// The built-in prices, USD, list price of the paid tier (no batch or cached-input discounts,
    /// Gemini Pro at its ≤200k-token prompt rate). `PRICES_FILE` adds models or overrides these.
    ///
    /// Compiled on 2026-12-01 without internet access, from stored copies of the providers' pages:
    /// - OpenAI text models: platform.openai.com/docs/pricing as transcribed by deploybase.ai
    ///   ("data from OpenAI pricing page, March 2026"), aimodelcalc.pages.dev (May 2026) and
    ///   tokenmath.io (gpt-4.1, gpt-4.1-mini, text-embedding-3-small "checked Jun 21, 2026");
    ///   gpt-4, gpt-35-turbo (Azure's name) and text-embedding-ada-002 as seed 004 lists them.
    /// - OpenAI images: dall-e-2 and dall-e-3 per image as seed 004 lists them (same figures on
    ///   OpenAI's pricing page as transcribed by docs.dev.xavier.icvr.xyz); gpt-image-1 per image
    ///   by quality and size as transcribed by burncloud.com.
    /// - Gemini: ai.google.dev/gemini-api/docs/pricing as transcribed on 2026-09-20
    ///   (github.com/api-evangelist/gemini, plans/gemini-plans-pricing.yml), with the 2.5 and 3.x
    ///   output prices from a release note of 2026-04-19 (github.com/schlebek/ai-wish-generator
    ///   v3.2.0) and gemini-2.0-flash from a provider listing (getmaxim.ai, $0.10 / $0.40).
    /// - Not re-checked in these sources (list prices as last published by the provider):
    ///   text-embedding-3-large, gemini-2.0-flash-lite.
    static let builtIn = PriceTable([
        // OpenAI, per 1M tokens: input, output.
        "gpt-5": ModelPrice(input: 1.25, output: 10.00),
        "gpt-5.1": ModelPrice(input: 1.25, output: 10.00),
        "gpt-5-mini": ModelPrice(input: 0.25, output: 2.00),
        "gpt-5-nano": ModelPrice(input: 0.05, output: 0.40),
        "gpt-4.1": ModelPrice(input: 2.00, output: 8.00),
        "gpt-4.1-mini": ModelPrice(input: 0.40, output: 1.60),
        "gpt-4.1-nano": ModelPrice(input: 0.10, output: 0.40),
        "gpt-4o": ModelPrice(input: 2.50, output: 10.00),
        "gpt-4o-mini": ModelPrice(input: 0.15, output: 0.60),
        "o1": ModelPrice(input: 15.00, output: 60.00),
        "o3": ModelPrice(input: 2.00, output: 8.00),
        "o3-mini": ModelPrice(input: 1.10, output: 4.40),
        "o4-mini": ModelPrice(input: 1.10, output: 4.40),
        "gpt-4": ModelPrice(input: 30.00, output: 60.00),
        "gpt-3.5-turbo": ModelPrice(input: 0.50, output: 1.50),
        "gpt-35-turbo": ModelPrice(input: 0.50, output: 1.50),
        "text-embedding-3-small": ModelPrice(input: 0.02),
        "text-embedding-3-large": ModelPrice(input: 0.13),
        "text-embedding-ada-002": ModelPrice(input: 0.10),
        // OpenAI images, per image.
        "dall-e-2": ModelPrice(images: [
            ImagePrice(size: "1024x1024", perImage: 0.020), ImagePrice(size: "512x512", perImage: 0.018),
            ImagePrice(size: "256x256", perImage: 0.016),
        ]),
        "dall-e-3": ModelPrice(images: [
            ImagePrice(size: "1024x1024", quality: "standard", perImage: 0.040),
            ImagePrice(size: "1792x1024", quality: "standard", perImage: 0.080),
            ImagePrice(size: "1024x1792", quality: "standard", perImage: 0.080),
            ImagePrice(size: "1024x1024", quality: "hd", perImage: 0.080),
            ImagePrice(size: "1792x1024", quality: "hd", perImage: 0.120),
            ImagePrice(size: "1024x1792", quality: "hd", perImage: 0.120),
        ]),
        "gpt-image-1": ModelPrice(images: [
            ImagePrice(size: "1024x1024", quality: "low", perImage: 0.011),
            ImagePrice(size: "1024x1536", quality: "low", perImage: 0.016),
            ImagePrice(size: "1536x1024", quality: "low", perImage: 0.016),
            ImagePrice(size: "1024x1024", quality: "medium", perImage: 0.042),
            ImagePrice(size: "1024x1536", quality: "medium", perImage: 0.063),
            ImagePrice(size: "1536x1024", quality: "medium", perImage: 0.063),
            ImagePrice(size: "1024x1024", quality: "high", perImage: 0.167),
            ImagePrice(size: "1024x1536", quality: "high", perImage: 0.250),
            ImagePrice(size: "1536x1024", quality: "high", perImage: 0.250),
        ]),
        // Gemini, per 1M tokens: input, output.
        "gemini-3.5-flash": ModelPrice(input: 1.50, output: 9.00),
        "gemini-3.1-pro-preview": ModelPrice(input: 2.00, output: 12.00),
        "gemini-3.1-flash-lite-preview": ModelPrice(input: 0.25, output: 1.50),
        "gemini-3-flash-preview": ModelPrice(input: 0.50, output: 3.00),
        "gemini-2.5-pro": ModelPrice(input: 1.25, output: 10.00),
        "gemini-2.5-flash": ModelPrice(input: 0.30, output: 2.50),
        "gemini-2.5-flash-lite": ModelPrice(input: 0.10, output: 0.40),
        "gemini-2.0-flash": ModelPrice(input: 0.10, output: 0.40),
        "gemini-2.0-flash-lite": ModelPrice(input: 0.075, output: 0.30),
    ])
}
