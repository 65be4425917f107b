package main

import "net/http"

// routesMore registers the payment, "my data" and staff routes.
func (a *app) routesMore(handle func(string, http.HandlerFunc)) {
	handle("GET /pay", a.requireLogin(a.payForm))
	handle("POST /pay", a.requireLogin(a.pay))
	handle("GET /pay/receipt/{id}", a.requireLogin(a.receipt))
	handle("GET /mydata", a.requireLogin(a.myData))
	handle("GET /mydata/export.json", a.requireLogin(a.myDataJSON))
	handle("POST /mydata/erase", a.requireLogin(a.erase))
	handle("POST /mydata/withdraw-all", a.requireLogin(a.withdrawAll))
	handle("POST /account/phone", a.requireLogin(a.phonePost))
	handle("GET /account/phone/confirm", a.phoneConfirmForm)
	handle("POST /account/phone/confirm", a.phoneConfirmPost)
	handle("GET /staff/records", a.requireStaff(a.recordsPage))
	handle("POST /staff/records", a.requireStaff(a.recordsExport))
	handle("GET /staff/records/{id}/{file}", a.requireStaff(a.recordsFile))
}
