// Starts GOV.UK Frontend's components. This replaces the inline script in
// GOV.UK's page template, which our Content Security Policy would block.
// A browser that runs module scripts is one GOV.UK Frontend supports.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
