import { createRoot } from "react-dom/client";
import { ApiSettings } from "../../sidepanel/ApiSettings";
import "../sidepanel/style.css";

const root = document.getElementById("root");
if (root) createRoot(root).render(<ApiSettings />);
