// A minimal dashboard until the React one lands: the home page (sign in, your workspaces) and
// the page an invitation link opens (/invite?token=…). The Worker answers index.html for any
// path without a file, so the path picks the page here.
import { startHome } from "./home";
import { startInvite } from "./invite";

if (location.pathname.replace(/\/+$/, "") === "/invite") startInvite();
else startHome();
