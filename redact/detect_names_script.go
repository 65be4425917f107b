package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names that do not start with an ASCII capital: an accented Latin
// capital ("Élodie Durand", "Łukasz Żółkowski", "Øystein Ødegård"), Greek
// and Cyrillic names (read through the lexicon by transliteration, see
// translit), and Chinese, Japanese and Korean names written in their own
// script inside English text ("王秀英", "田中 太郎", "김민지").

// nonASCIIWord handles a word that starts with a letter beyond ASCII at
// i (an address in Han, Hangul or Cyrillic script, see
// detect_address_script.go, or a name) and returns where the scanner
// goes on.
func (sc *scanner) nonASCIIWord(i int) int {
	s := sc.s
	r, w := utf8.DecodeRuneInString(s[i:])
	if sc.r.addrOn {
		e := 0
		switch {
		case isHan(r):
			e = sc.hanAddress(i)
		case isHangul(r):
			e = sc.hangulAddress(i)
		case r >= 0x400 && r < 0x460:
			e = sc.cyrAddress(i)
		}
		if e > 0 || sc.done {
			return max(e, i+w)
		}
	}
	if !sc.r.nameOn {
		return i + w
	}
	switch {
	case unicode.IsUpper(r):
		if e := sc.looseName(i); e > 0 {
			return e
		}
		if sc.nKeys > 0 {
			if e := sc.repeatName(i); e > 0 {
				return e
			}
		}
		return letterRun(s, i+w)
	case isHan(r) || isHangul(r):
		if e := sc.cjkName(i); e > 0 {
			return e
		}
	case scriptLetter(r):
		if e := sc.scriptName(i); e > 0 {
			return e
		}
		return scriptRun(s, i)
	}
	return i + w
}

// scriptRun returns the end of the word at i in a script without case
// (Hebrew, Arabic, Indic and others): its letters and combining marks.
func scriptRun(s string, i int) int {
	e := i
	for e < len(s) && s[e] >= 0x80 {
		r, w := utf8.DecodeRuneInString(s[e:])
		if !scriptLetter(r) {
			break
		}
		e += w
	}
	return e
}

// scriptLetter reports whether r belongs to a word of the scripts from
// Hebrew to Ethiopic (U+0590 to U+1FFF): everything there but their
// punctuation, and the zero-width joiners Persian writes inside words.
// It stands in for unicode.IsLetter and the mark tables, which cost a
// table search per character.
func scriptLetter(r rune) bool {
	switch r {
	case 0x200c, 0x200d:
		return true
	case 0x5be, 0x5c0, 0x5c3, 0x5c6, 0x5f3, 0x5f4, 0x609, 0x60a, 0x60c, 0x60d, 0x61b, 0x61e, 0x61f, 0x66a, 0x66b, 0x66c, 0x66d, 0x6d4, 0x964, 0x965, 0x970, 0xe4f, 0xe5a, 0xe5b, 0x1361, 0x1362, 0x1363, 0x1364, 0x1365, 0x1366, 0x1367, 0x1368:
		return false
	}
	return r >= 0x590 && r < 0x2000
}

// scriptName reports one to four words of a script without case (Hebrew,
// Arabic, Persian, Urdu, Indic scripts) at i as a person's name when a
// cue announces a person ("Beneficiary: محمد علي", "my father राजेश
// कुमार"), or, in Arabic script, when the first word is one of the most
// common given names ("محمد", "فاطمة"). Without either, such words in
// English text are as often a place or a phrase. It returns the end of
// what it reported, or 0.
func (sc *scanner) scriptName(i int) int {
	s := sc.s
	e := scriptRun(s, i)
	if e == i {
		return 0
	}
	first := s[i:e]
	for words := 1; words < 4; words++ {
		if e+1 >= len(s) || s[e] != ' ' {
			break
		}
		r, _ := utf8.DecodeRuneInString(s[e+1:])
		if !scriptLetter(r) {
			break
		}
		e = scriptRun(s, e+1)
	}
	score := 0.0
	switch {
	case personWordBefore(s, i) || labelBefore(s, i):
		score = 0.6
	case arabicGivenNames[first]:
		score = 0.6
	}
	if score == 0 {
		return 0
	}
	if sc.emit(ePersonName, i, e, score, "name.script") {
		return e
	}
	return 0
}

// arabicGivenNames are among the most common given names written in
// Arabic script, written for this package from general knowledge.
var arabicGivenNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("محمد أحمد احمد علي عمر خالد يوسف إبراهيم ابراهيم حسن حسين مصطفى عبدالله عبد محمود سعيد طارق كريم سامي ياسين فاطمة عائشة مريم زينب خديجة نور سارة ليلى آمنة هدى رانيا سلمى") {
		m[w] = true
	}
	return m
}()

func isHan(r rune) bool    { return r >= 0x4e00 && r <= 0x9fff }
func isHangul(r rune) bool { return r >= 0xac00 && r <= 0xd7a3 }

// cjkName reports a run of two to four Han characters or Hangul syllables
// at i that reads as a person's name: it starts with a common family name
// of its script ("王秀英", "陳志明"; in Hangul three syllables, "김민지"), or a Japanese family name
// and a given name follow each other ("田中 太郎", "佐藤花子"), or a cue
// announces a person ("Name: 志明", "my mother 秀英"). Longer runs are
// sentences, not names. It returns the end of what it reported, or 0.
func (sc *scanner) cjkName(i int) int {
	s := sc.s
	han := false
	n, e := 0, i
	var first, second rune
	for e < len(s) {
		r, w := utf8.DecodeRuneInString(s[e:])
		if !(isHan(r) || isHangul(r)) || n > 0 && isHan(r) != han {
			break
		}
		if n == 0 {
			han, first = isHan(r), r
		} else if n == 1 {
			second = r
		}
		n++
		e += w
		if n > 4 {
			return 0 // a sentence, not a name
		}
	}
	if n < 2 || e < len(s) && s[e] >= 0x80 && !strings.HasPrefix(s[e:], "，") && !strings.HasPrefix(s[e:], "。") && !strings.HasPrefix(s[e:], "、") {
		return 0
	}
	score := 0.0
	switch {
	case !han && n == 3 && strings.ContainsRune(koreanFamilyNames, first):
		score = 0.7 // "김민지"; two syllables are as often a word: "김치", "서울
	case han && (strings.ContainsRune(chineseFamilyNames, first) || japaneseFamilyName(first, second)):
		score = 0.7
	case personWordBefore(s, i) || labelBefore(s, i):
		score = 0.6
	}
	if han && n <= 3 && japaneseFamilyName(first, second) && e+1 < len(s) && s[e] == ' ' {
		// "田中 太郎": the given name after a space
		q := e + 1
		m, f := 0, q
		for f < len(s) {
			r, w := utf8.DecodeRuneInString(s[f:])
			if !isHan(r) {
				break
			}
			m++
			f += w
		}
		if m >= 1 && m <= 3 && (f == len(s) || s[f] < 0x80) {
			e = f
		}
	}
	if score == 0 {
		return 0
	}
	if sc.emit(ePersonName, i, e, score, "name.cjk") {
		return e
	}
	return 0
}

// labelBefore reports whether a form label for a person and a colon stand
// before i ("Name: ", "Signed: ").
func labelBefore(s string, i int) bool {
	k := i
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	if k == 0 || s[k-1] != ':' {
		return false
	}
	k--
	b := k
	for k > 0 && b-k < 24 && isAlpha(s[k-1]) {
		k--
	}
	return k < b && lookupWord(s, k, b)&fLabel != 0
}

// japaneseFamilyName reports whether a Han run starting with a, b begins
// with a common Japanese family name of two characters.
func japaneseFamilyName(a, b rune) bool {
	if b == 0 {
		return false
	}
	var buf [8]byte
	n := utf8.EncodeRune(buf[:], a)
	n += utf8.EncodeRune(buf[n:], b)
	return strings.Contains(japaneseFamilyNames, string(buf[:n]))
}

// Common family names, written for this package from general knowledge:
// about a hundred Chinese ones (simplified and traditional forms), the
// most common Korean ones, and fifty common Japanese ones.
const (
	chineseFamilyNames  = "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付傅方白邹鄒孟熊秦邱江尹薛闫閻段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯关關欧歐阮黎"
	koreanFamilyNames   = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용"
	japaneseFamilyNames = "佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 山本 中村 小林 加藤 吉田 山田 佐々 山口 松本 井上 木村 清水 斎藤 斉藤 山崎 森田 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉木 福田 太田 西村 藤井 金子 岡本 藤原 三浦 中野 中川 原田 松田 竹内 小野 田村 中山 和田 石田 森本 上田 酒井 工藤 横山 宮崎 宮本 内田 高木 安藤 谷口 大野 丸山 今井 河野 藤本 村田 武田 上野 杉山 増田 平野 大塚 千葉 久保 松井 小島 岩崎 桜井 野口 松尾 野村 木下 菊地 佐野 大西 杉本 新井 浜田 菅原 市川 水野 小松 島田 古川 小山 高田 西田 菅野 服部 山内"
)
