// The Swagger page of the open data API (templates/ninja/swagger.html): django-ninja's own start-up script
// (ninja/swagger-ui-init.js) plus one plugin. Swagger UI's title is the page's only <h1>; its groups of operations
// are <h3>s, so the plugin puts a visually hidden <h2> («Операции») before them: headings go down one level at a
// time (axe: heading-order) and a screen reader's list of headings shows where the operations start.
(function () {
  "use strict";
  var data = document.body.dataset;
  var root = document.getElementById("swagger-ui");
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);

  function OperationsHeading(system) {
    var h = system.React.createElement;
    var heading = h(
      "h2",
      { className: "api-docs-hidden", lang: document.documentElement.lang, "data-testid": "operations-heading" },
      root.dataset.operationsHeading
    );
    return {
      wrapComponents: {
        operations: function (Original) {
          return function (props) {
            return h("div", null, heading, h(Original, props));
          };
        },
      },
    };
  }

  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.plugins = [OperationsHeading];
  if (data.apiCsrf && data.csrfToken) {
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = data.csrfToken;
      return request;
    };
  }
  SwaggerUIBundle(config);

  // Swagger UI's own words are English (the box is lang="en"), but the API's title, description and operation
  // summaries come from our OpenAPI document in the page's language: they say so, for screen readers' voices.
  var ours = ".info .title, .info .description, .opblock-summary-description, .opblock-description-wrapper";
  function markOurs() {
    var nodes = root.querySelectorAll(ours);
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].getAttribute("lang") !== document.documentElement.lang) {
        nodes[i].setAttribute("lang", document.documentElement.lang);
      }
    }
  }
  new MutationObserver(markOurs).observe(root, { childList: true, subtree: true });
})();
