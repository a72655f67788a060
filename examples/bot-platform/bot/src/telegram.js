// Client for the Telegram Bot API: POST {base}/bot{token}/{method} with a JSON body.
// The base URL is TELEGRAM_API_URL: https://api.telegram.org in production, the fake-telegram
// service in the offline demo. The token is part of the URL, so URLs are never logged.
export function createTelegram({ baseUrl, token }) {
  async function call(method, params) {
    let response;
    try {
      response = await fetch(`${baseUrl.replace(/\/+$/, "")}/bot${token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new Error(`Telegram ${method}: ${error.cause?.code ?? error.message}`);
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok || body.ok !== true) {
      throw new Error(`Telegram ${method}: ${response.status} ${body.description ?? "no description"}`);
    }
    return body.result;
  }

  return {
    call,
    sendMessage: (chatId, text, extra = {}) => call("sendMessage", { chat_id: chatId, text, ...extra }),
  };
}
