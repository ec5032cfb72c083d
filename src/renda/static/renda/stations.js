// 码上找代表: send the phone's position (browser geolocation) to the find page.
(function () {
  "use strict";
  var button = document.getElementById("st-locate");
  if (!button) { return; }
  var msg = document.getElementById("st-locate-msg");
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { msg.textContent = "此浏览器不支持定位，请输入街道或乡镇名称。"; return; }
    msg.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = button.getAttribute("data-url") + "?lat=" + pos.coords.latitude.toFixed(5) +
        "&lon=" + pos.coords.longitude.toFixed(5);
      window.location.href = url;
    }, function () {
      msg.textContent = "无法获取位置，请输入街道或乡镇名称。";
    }, {enableHighAccuracy: false, timeout: 10000, maximumAge: 600000});
  });
})();
