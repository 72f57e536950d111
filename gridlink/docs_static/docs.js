// Starts Swagger UI on this server's OpenAPI document. "Try it out" sends the
// access token typed above the docs as a bearer token; when the document
// declares its security schemes, Swagger UI's own Authorize button does that
// instead and the field is hidden.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var tokenForm = document.getElementById("token-form");
  var tokenInput = document.getElementById("access-token");

  tokenForm.addEventListener("submit", function (event) {
    event.preventDefault();
  });

  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    validatorUrl: null,
    tryItOutEnabled: false,
    showExtensions: true,
    showCommonExtensions: true,
    onComplete: function () {
      var schemes = window.ui.specSelectors.securityDefinitions();
      if (schemes && schemes.size) {
        tokenForm.hidden = true;
        tokenInput.value = "";
      }
    },
    requestInterceptor: function (request) {
      var token = tokenInput.value.trim();
      var headers = request.headers || (request.headers = {});
      if (token && !headers.Authorization && !headers.authorization) {
        headers.Authorization = "Bearer " + token;
      }
      return request;
    },
  });
})();
