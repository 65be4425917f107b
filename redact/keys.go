package redact

import "strings"

// keyEntities maps normalised field, column, attribute and JSON key names
// (lower case, without '_', '-', '.' and spaces) to the entity their
// values are. A bare "name" is not in the list: too many things have names.
var keyEntities = map[string]Entity{
	"email": Email, "emailaddress": Email, "mail": Email, "useremail": Email,
	"phone": Phone, "phonenumber": Phone, "tel": Phone, "telephone": Phone, "mobile": Phone,
	"cell": Phone, "cellphone": Phone, "fax": Phone, "homephone": Phone, "workphone": Phone,
	"ssn": SSN, "socialsecurity": SSN, "socialsecuritynumber": SSN, "itin": ITIN, "taxid": ITIN,
	"card": PaymentCard, "cardnumber": PaymentCard, "creditcard": PaymentCard, "ccnumber": PaymentCard,
	"pan": PaymentCard, "cvv": credential, "cvc": credential, "pin": credential,
	"password": credential, "passwd": credential, "pwd": credential, "secret": credential,
	"token": credential, "apikey": credential, "accesstoken": credential, "refreshtoken": credential,
	"idtoken": credential, "authorization": credential, "cookie": credential, "setcookie": credential,
	"clientsecret": credential, "privatekey": credential,
	"dob": DateOfBirth, "dateofbirth": DateOfBirth, "birthdate": DateOfBirth, "birthday": DateOfBirth,
	"address": PostalAddress, "streetaddress": PostalAddress, "street": PostalAddress,
	"address1": PostalAddress, "address2": PostalAddress, "addressline1": PostalAddress,
	"addressline2": PostalAddress, "mailingaddress": PostalAddress, "homeaddress": PostalAddress,
	"fullname": PersonName, "firstname": PersonName, "lastname": PersonName, "givenname": PersonName,
	"surname": PersonName, "familyname": PersonName, "middlename": PersonName, "username": PersonName,
	"contactname": PersonName, "residentname": PersonName, "customername": PersonName,
	"ip": IPAddress, "ipaddress": IPAddress, "ipaddr": IPAddress, "remoteaddr": IPAddress, "remoteip": IPAddress,
	"clientip": IPAddress, "xforwardedfor": IPAddress, "xrealip": IPAddress, "sourceip": IPAddress,
	"routing": RoutingNumber, "routingnumber": RoutingNumber, "aba": RoutingNumber,
	"accountnumber": BankAccount, "bankaccount": BankAccount, "acct": BankAccount, "acctnumber": BankAccount,
	"iban": IBAN, "passport": Passport, "passportnumber": Passport,
	"driverslicense": DriverLicense, "driverlicense": DriverLicense, "dl": DriverLicense,
	"licensenumber": DriverLicense, "mac": MACAddress, "macaddress": MACAddress,
	"licenseplate": LicensePlate, "licenceplate": LicensePlate, "plate": LicensePlate,
	"platenumber": LicensePlate, "vehicleplate": LicensePlate, "tagnumber": LicensePlate,
	"medicaidid": BenefitID, "medicaidnumber": BenefitID, "medicareid": BenefitID,
	"medicarenumber": BenefitID, "mbi": BenefitID, "snapcasenumber": BenefitID,
	"ebtcardnumber": BenefitID, "wicid": BenefitID, "memberid": BenefitID, "subscriberid": BenefitID,
}

// credential is the entity of secrets found by key name.
const credential Entity = "credential"

// KeyEntity reports whether a field, column, attribute or JSON key name
// says its value is personal data, and which entity. Matching ignores
// case, '_', '-', '.' and spaces: "E-mail", "email_address" and
// "EmailAddress" all match.
func KeyEntity(key string) (Entity, bool) {
	if len(key) > 40 {
		return "", false
	}
	var buf [40]byte
	n := 0
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c == '_' || c == '-' || c == '.' || c == ' ' {
			continue
		}
		buf[n] = lower(c)
		n++
	}
	e, ok := keyEntities[string(buf[:n])]
	return e, ok
}

// normKey lower-cases a configured key name the way KeyEntity does.
func normKey(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c == '_' || c == '-' || c == '.' || c == ' ' {
			continue
		}
		b.WriteByte(lower(c))
	}
	return b.String()
}
