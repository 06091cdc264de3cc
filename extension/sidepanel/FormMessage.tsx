/** What a form says after an action: success is announced politely, an error as an alert. */
export interface Message {
  tone: "ok" | "error";
  text: string;
}

export function FormMessage({ message }: { message: Message | null }) {
  if (!message) return null;
  const error = message.tone === "error";
  return (
    <p className={error ? "error" : "success"} role={error ? "alert" : "status"}>
      {message.text}
    </p>
  );
}
