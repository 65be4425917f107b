package cookies

import "strings"

// UserAgentFamily reduces a User-Agent header to a browser and platform
// family, such as "Firefox on Linux" or "Safari on iOS", for an account
// page's list of sessions. The result comes from a fixed list of names,
// never from the header's text, so no version, build or device string
// (which help fingerprint a visitor) is kept. Unknown parts are "Other".
func UserAgentFamily(ua string) string {
	if ua == "" {
		return ""
	}
	if len(ua) > 512 {
		ua = ua[:512]
	}
	l := strings.ToLower(ua)
	has := func(s string) bool { return strings.Contains(l, s) }
	var browser string
	switch {
	case has("bot") || has("crawler") || has("spider"):
		return "Bot"
	case has("edg/") || has("edga/") || has("edgios/"):
		browser = "Edge"
	case has("opr/") || has("opera"):
		browser = "Opera"
	case has("samsungbrowser/"):
		browser = "Samsung Internet"
	case has("firefox/") || has("fxios/"):
		browser = "Firefox"
	case has("chrome/") || has("crios/") || has("chromium/"):
		browser = "Chrome"
	case has("safari/") && has("version/"):
		browser = "Safari"
	case has("curl/") || has("wget/") || has("python") || has("go-http-client"):
		browser = "Script"
	default:
		browser = "Other"
	}
	var os string
	switch {
	case has("iphone") || has("ipod"):
		os = "iOS"
	case has("ipad"):
		os = "iPadOS"
	case has("android"):
		os = "Android"
	case has("windows"):
		os = "Windows"
	case has("cros"):
		os = "ChromeOS"
	case has("mac os x") || has("macintosh"):
		os = "macOS"
	case has("linux"):
		os = "Linux"
	default:
		os = "Other"
	}
	return browser + " on " + os
}
