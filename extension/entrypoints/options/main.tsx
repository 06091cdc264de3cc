import { createRoot } from "react-dom/client";
import { ApiSettings } from "../../sidepanel/ApiSettings";
import { GmailHealth } from "../../sidepanel/GmailHealth";
import "../sidepanel/style.css";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <ApiSettings>
      <GmailHealth />
    </ApiSettings>,
  );
}
