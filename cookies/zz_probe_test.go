package cookies
import ("testing";"fmt")
func TestDetProbe(t *testing.T){
 d,err:=defaultDetector(); if err!=nil{t.Fatal(err)}
 for _,s:=range []string{"es-US","en-US","acct-7f3a","permits","dark","resident@example.com","555-0100","(555) 010-0123","4111 1111 1111 1111","call 555-010-0123","Jane Doe","123 Main Street","078-05-1120","192.0.2.1","2025-01-02","zQ3x9_AbCdEf123456789-","u-1","step 2","John Smith lives here"}{
  fmt.Printf("%-30q %v\n", s, d.Contains(s))
 }
}
