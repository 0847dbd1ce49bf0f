"""What a person reads when something is refused, by error code, in their language.

Services raise codes; only the gateway phrases them (so both languages live in one catalog)."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "BAD_CREDENTIALS": _l("Wrong username or password."),
    "ACCOUNT_DISABLED": _l("This account has been disabled."),
    "NO_TOKEN": _l("Please log in first."),
    "TOKEN_MALFORMED": _l("Your session is not valid. Please log in again."),
    "TOKEN_INVALID": _l("Your session is not valid. Please log in again."),
    "TOKEN_UNKNOWN_KEY": _l("Your session is not valid. Please log in again."),
    "TOKEN_EXPIRED": _l("Your session has expired. Please log in again."),
    "TOKEN_REVOKED": _l("This session has ended. Please log in again."),
    "REFRESH_TOKEN_INVALID": _l("Your session is not valid. Please log in again."),
    "REFRESH_TOKEN_EXPIRED": _l("Your session has expired. Please log in again."),
    "REFRESH_TOKEN_REVOKED": _l("This session has ended. Please log in again."),
    "REFRESH_TOKEN_REUSED": _l(
        "This session was used from two places, so it has been ended everywhere. "
        "Please log in again."
    ),
    "BODY_NOT_AN_OBJECT": _l("The request must be a JSON object."),
    "INVALID_FIELDS": _l("Some fields are missing or wrong."),
    "PDF_MISSING": _l("Please attach the scanned letter as a PDF."),
    "PDF_NOT_BASE64": _l("The PDF could not be read."),
    "NOT_A_PDF": _l("The file is not a PDF."),
    "PDF_UNREADABLE": _l("The PDF is damaged and cannot be read."),
    "PDF_TOO_LARGE": _l("The file is larger than 20 MB."),
    "REQUEST_TOO_LARGE": _l("The upload is larger than 20 MB."),
    "NOT_YOUR_POST": _l("You do not hold that post."),
    "RECEIPT_NOT_FOUND": _l("No such receipt."),
    "RECEIPT_NOT_WITH_YOU": _l("This receipt is not with you, so you cannot send it."),
    "ALREADY_WITH_THAT_POST": _l("The receipt is already with that post."),
    "UNKNOWN_POST": _l("No such post."),
    "VERSION_CONFLICT": _l("Someone changed this in the meantime. Please reload and try again."),
    "BAD_LIMIT": _l("The page size must be between 1 and 200."),
    "BAD_IDEMPOTENCY_KEY": _l(
        "The Idempotency-Key must be 1 to 200 visible ASCII characters (letters, digits, signs)."
    ),
    "IDEMPOTENCY_KEY_REUSED": _l(
        "This Idempotency-Key was already used for a different request. Use a new key for a "
        "new action."
    ),
    "IDEMPOTENCY_KEY_IN_USE": _l(
        "The first try of this action is still being applied. Wait a moment and try again."
    ),
    "BAD_REGISTER_LIMIT": _l("The page size must be between 1 and 500."),
    "DOCUMENT_NOT_FOUND": _l("No such document."),
    "DOCUMENT_TEXT_NOT_FOUND": _l("This document's words have not been asked for yet."),
    "NOTICE_NOT_FOUND": _l("No such notice."),
    "NOT_YOUR_OFFICE": _l("You may only see reports of your own office."),
    "NO_OFFICE": _l("Your account is not attached to an office."),
    "NO_POST": _l("You hold no post, so no desk of yours has items to list."),
    "OFFICE_NOT_FOUND": _l("No such office."),
    "POST_NOT_FOUND": _l("No such post."),
    "USER_NOT_FOUND": _l("No such person."),
    "OFFICE_CODE_TAKEN": _l("An office with this code already exists."),
    "POST_ABBREVIATION_TAKEN": _l("A post with this abbreviation already exists."),
    "USERNAME_TAKEN": _l("This username is taken."),
    "NOT_FOUND": _l("No such page."),
    "METHOD_NOT_ALLOWED": _l("This action is not allowed here."),
    "UNSUPPORTED_MEDIA_TYPE": _l("Send JSON (application/json) or a form upload as documented."),
    "SERVICE_UNAVAILABLE": _l("The office system is busy or starting. Please try again shortly."),
    "DEADLINE_PASSED": _l(
        "The office system took too long to answer, so the work was stopped. "
        "Please try again shortly."
    ),
    "CSRF_FAILED": _l("The form expired. Please go back, reload and try again."),
    "SERVICE_ONLY": _l("Only the office's own services may do this."),
    "EVENT_UNPROVEN": _l("A message between the office's services could not be verified."),
    "EVENT_ALTERED": _l("A message between the office's services could not be verified."),
    "EVENT_NOT_YOURS": _l("A message between the office's services could not be verified."),
    "EVENT_MALFORMED": _l("A message between the office's services could not be verified."),
    "NO_ACTOR": _l("The request did not say who is acting."),
    "OUTSIDE_YOUR_SCOPE": _l("This is outside the offices you are responsible for."),
    "STATE_MUST_BE_ROOT": _l("A state is the top of the tree and has no parent office."),
    "OFFICE_NEEDS_PARENT": _l("Choose the office this one comes under."),
    "DEPARTMENT_UNDER_STATE": _l("A department must come directly under a state."),
    "DEPARTMENT_NEEDS_LEVELS": _l(
        "A department must list its levels (e.g. zone, range, district)."
    ),
    "LEVEL_NOT_IN_DEPARTMENT": _l("This level is not one of the department's levels."),
    "LEVEL_ORDER": _l("An office cannot be at a higher level than the office it comes under."),
    "KIND_ONLY_FOR_A_DEPARTMENT": _l(
        "Only a department has a kind (police, revenue, development, municipal)."
    ),
    "MOVE_UNDER_ITSELF": _l("An office cannot be moved under itself or its own sub-offices."),
    "POST_VACANT": _l("Nobody holds this post, so it cannot be delegated."),
    "POST_ABBREVIATION_INVALID": _l("The post's marking abbreviation is not valid."),
    "DELEGATE_IS_HOLDER": _l("A post cannot be delegated to the person who holds it."),
    "DELEGATION_PERIOD_INVALID": _l("The delegation must end after it starts, and in the future."),
    "DELEGATION_TOO_LONG": _l("A delegation may last at most 180 days."),
    "DELEGATION_NOT_FOUND": _l("No such delegation."),
    "ACCOUNT_LOCKED": _l(
        "Too many failed attempts: this account is locked for 30 minutes. "
        "Your nodal officer can unlock it."
    ),
    "LOGIN_TOO_SOON": _l("Too many failed attempts. Please wait a few seconds and try again."),
    "OTP_REQUIRED": _l("Enter the 6-digit code from your authenticator app."),
    "OTP_WRONG": _l("The code is wrong or was already used. Enter the current code from your app."),
    "VPN_POOL_INVALID": _l("The VPN address pool is not a valid IPv4 network (e.g. 10.61.0.0/22)."),
    "VPN_POOL_EXHAUSTED": _l(
        "The district's VPN address pool is used up. Ask the state team for a larger pool."
    ),
    "VPN_NO_POOL": _l("This district has no VPN address pool yet. Ask the state team to set one."),
    "VPN_ALREADY_ISSUED": _l("This person already has a VPN account."),
    "VPN_NOT_ISSUED": _l("This person has no VPN account."),
    "VPN_BUSY": _l("Many VPN accounts are being issued at once. Please try again."),
    "VPN_KEY_INVALID": _l("A VPN key is not valid."),
    "VPN_ADDRESS_INVALID": _l("A VPN address is not valid."),
    "VPN_ADDRESS_NOT_IN_POOL": _l("The VPN address is not in the district's pool."),
    "VPN_ENDPOINT_INVALID": _l("The VPN server address is not valid (host:port)."),
    "VPN_ALLOWED_IPS_INVALID": _l("The networks reached over the VPN are not valid."),
    "VPN_DNS_INVALID": _l("The VPN DNS server address is not valid."),
    "VPN_KEEPALIVE_INVALID": _l("The VPN keepalive must be between 0 and 65535 seconds."),
    "VPN_PEER_DUPLICATE": _l("Two VPN accounts share a key or an address."),
    "NOT_A_CERTIFICATE": _l("The file is not a certificate (PEM or DER)."),
    "DSC_SELF_SIGNED": _l(
        "The certificate is self-signed; a DSC must be issued by a licensed certifying authority."
    ),
    "DSC_EXPIRED": _l("The certificate has expired."),
    "DSC_NOT_YET_VALID": _l("The certificate is not valid yet."),
    "DSC_KEY_USAGE": _l("The certificate is not meant for signing documents."),
    "DSC_UNTRUSTED": _l("The certificate does not chain to a trusted certifying authority."),
    "DSC_NAME_MISMATCH": _l("The certificate is issued to someone else's name."),
    "DSC_NO_TRUST_ROOTS": _l(
        "No trusted certifying authorities are configured yet. Ask the state team."
    ),
    "DSC_NOT_ENROLLED": _l("No DSC is enrolled for this person."),
    "ACTIVATION_INVALID": _l(
        "The login or the activation code is wrong, or the code has expired or was used. "
        "Ask your nodal officer for a new slip."
    ),
    "SHEET_NOT_FOUND": _l("No such sheet."),
    "SHEET_NOT_SPREADSHEET": _l(
        "The file is not a spreadsheet. Upload the sheet as .xlsx or as CSV (UTF-8)."
    ),
    "SHEET_EMPTY": _l("The sheet has no rows under its headings."),
    "SHEET_MISSING_COLUMNS": _l("Some columns of the template are missing."),
    "SHEET_DUPLICATE_COLUMNS": _l("A column appears twice."),
    "SHEET_TOO_MANY_ROWS": _l("The sheet has more than 20,000 rows. Split it by office."),
    "SHEET_TOO_LARGE": _l("The sheet is too large to read."),
    "SHEET_TOO_SLOW": _l(
        "The sheet took too long to read. Save it again from Excel as .xlsx, or split it by office."
    ),
    "STATE_NOT_FOUND": _l("No such state."),
    "HOLIDAY_YEAR_INVALID": _l("The year must be between 1900 and 2099."),
    "HOLIDAY_DATE_MISSING": _l("Write the holiday's date."),
    "HOLIDAY_DATE_OUTSIDE_YEAR": _l("This date is not in the year of this calendar."),
    "HOLIDAY_DATE_DUPLICATE": _l("An earlier row already gives this date."),
    "HOLIDAY_NAME_MISSING": _l("Write the holiday's name in English or in Hindi."),
    "HOLIDAY_NAME_TOO_LONG": _l("The holiday's name is too long."),
    "HOLIDAY_KIND_MISSING": _l("Write the kind: gazetted or restricted."),
    "HOLIDAY_KIND_UNKNOWN": _l("Unknown kind: write gazetted or restricted."),
    "GOV_ID_PATTERN_INVALID": _l("The Gov ID pattern is configured wrongly. Tell the state team."),
    "GOV_ID_NAME_UNUSABLE": _l("A Gov ID cannot be made from this name."),
    "GOV_ID_TOO_LONG": _l("The Gov ID would be too long."),
    "GOV_DOMAIN_INVALID": _l("The email domain is not valid."),
    "REQUIRED": _l("This cell must be filled."),
    "TOO_LONG": _l("The text is too long."),
    "FORMULA_NOT_ALLOWED": _l("The cell holds a formula; type the value itself."),
    "NAME_NOT_LATIN": _l("The English name must be in English letters."),
    "NAME_NOT_DEVANAGARI": _l("The Hindi name must be in Devanagari."),
    "NAME_INVALID_CHARACTERS": _l("Names may have only letters, spaces, dots and hyphens."),
    "EMPLOYEE_CODE_INVALID": _l("The employee code may have only letters, digits, - and /."),
    "DATE_FORMAT_INVALID": _l("Write the date as DD-MM-YYYY."),
    "DATE_NOT_REAL": _l("There is no such date."),
    "DATE_OUT_OF_RANGE": _l("The year must be between 1900 and 2099."),
    "AGE_AT_JOINING_IMPLAUSIBLE": _l("The age at joining must be between 18 and 70."),
    "GENDER_UNKNOWN": _l("Gender must be Male, Female or Transgender."),
    "DESIGNATION_UNKNOWN": _l("This designation is not in the list."),
    "MOBILE_INVALID": _l("Give a 10-digit mobile number starting with 6, 7, 8 or 9."),
    "EMAIL_INVALID": _l("This is not a valid email address."),
    "EMAIL_NOT_GOVERNMENT": _l(
        "Only an official government email is allowed (not gmail and the like)."
    ),
    "OFFICE_CODE_INVALID": _l("The office code is not written correctly."),
    "OFFICE_UNKNOWN": _l("No such office, or not one you onboard into."),
    "POST_UNKNOWN": _l("No such post in your offices."),
    "ROLE_UNKNOWN": _l("Unknown role."),
    "SAMPLE_ROW": _l("This is the template's sample row: delete it."),
    "DUPLICATE_IN_SHEET": _l("This employee code appears in other rows too."),
    "EMAIL_TAKEN": _l("This email already belongs to another employee."),
    "POST_TAKEN": _l("This post is already held by another employee."),
    "PERSON_OUTSIDE_YOUR_SCOPE": _l(
        "This employee belongs to an office outside your charge: only their own nodal officer "
        "can change them."
    ),
    "FILE_NOT_FOUND": _l("No such file."),
    "FILE_NOT_WITH_YOU": _l("This file is not with you."),
    "FILE_NOT_OPEN": _l("This file is parked, closed or recorded, so it cannot be worked on."),
    "FILE_NOT_PARKED": _l("This file is not parked."),
    "FILE_NOT_CLOSED": _l("This file is not closed."),
    "NOT_THE_SENDER": _l("Only the post that sent the file can pull it back."),
    "ALREADY_OPENED": _l(
        "The receiver has already opened the file, so it can no longer be pulled back."
    ),
    "NOTHING_TO_SEND_BACK": _l(
        "This file was not sent to you by anyone, so it cannot be sent back."
    ),
    "DELAY_NOT_EXPLAINED": _l(
        "This has been with you longer than the office allows: record why before it can move on."
    ),
    "PENDENCY_THRESHOLDS_INVALID": _l(
        "Each threshold must be a working day from 1 to 60, each stage on or after the one "
        "before: warning, explanation, escalation."
    ),
    "FILE_HEAD_INVALID": _l("The file head is not in the form A-11011."),
    "FILE_SECTION_INVALID": _l("The section abbreviation is not valid."),
    "FILE_HEAD_TAKEN": _l("This head already exists."),
    "FILE_HEAD_NOT_FOUND": _l("No such head in your office's filing scheme."),
    "NOTE_NOT_FOUND": _l("No such note."),
    "NOTE_EMPTY": _l("The note is empty."),
    "NOTE_TOO_LONG": _l("The note is too long."),
    "NOTE_IS_GREEN": _l("This note is confirmed (green) and can never be changed."),
    "NOTE_DISCARDED": _l("This note was discarded."),
    "NOTE_NOT_YOURS": _l("Only the writer of a draft note can change it."),
    "APPROVAL_NOT_FOUND": _l("No confirmed note has that paragraph."),
    "APPROVAL_NOT_BY_OFFICER": _l("That paragraph is not by a Section Officer or above."),
    "DRAFT_APPROVAL_NEEDS_OFFICER": _l("Only a Section Officer or above may approve a draft."),
    "ONLY_CREATOR_CLOSES": _l("Only the post that opened the file can close it."),
    "ONLY_CLOSER_REOPENS": _l("Only the post that closed the file can reopen it."),
    "RECEIPT_NOT_OPEN": _l("This receipt is already in a file or closed."),
    "BAD_QUERY": _l("The search is too long."),
    "LANGUAGE_NOT_SUPPORTED": _l("Only Hindi and English are supported."),
    "CANNOT_DISABLE_YOURSELF": _l("You cannot disable your own account."),
    "BAD_EXPORT": _l("Histories can be exported as csv or pdf."),
    "LOGIN_BUSY": _l("Another login of yours is being checked. Please try again."),
    "ONLY_CLOSER_RECORDS": _l("Only the post that closed the file can send it to the record room."),
    "LINK_TO_ITSELF": _l("A file cannot be linked to itself."),
    "FILE_NUMBER_UNKNOWN": _l("No file you may see has that number. Check the number typed."),
    "RECEIPT_FIELD_FIXED": _l(
        "Received date, diarised date, letter date and delivery mode cannot be changed after "
        "diarisation."
    ),
    "RECEIPT_DATES_IMPOSSIBLE": _l(
        "The received date cannot be in the future, nor before the letter date."
    ),
    "RECEIPT_NOT_RECEIVED": _l(
        "This physical letter has not been received at your desk yet: receive it first."
    ),
    "RECEIPT_HAS_UNDISPATCHED_DRAFT": _l(
        "This receipt has a reply that has not been dispatched: dispatch or discard it first."
    ),
    "DRAFT_NOT_FOUND": _l("No such draft."),
    "DRAFT_NOT_DISCARDABLE": _l("A signed draft cannot be discarded."),
    "DRAFT_WRONG_STATE": _l(
        "The draft is not at the stage for this (approve, sign, issue, dispatch)."
    ),
    "DRAFT_NEEDS_TEXT_OR_PDF": _l("Write the draft's text or upload its PDF."),
    "DRAFT_SIGNED_ON_PAPER": _l(
        "This draft was signed on paper; it cannot be signed digitally too."
    ),
    "ALREADY_ISSUED": _l("A letter was already issued under this number."),
    "DISPATCH_NO_RECIPIENT": _l("Say whom to send it to."),
    "DISPATCH_BAD_EMAIL": _l("One of the email addresses is not valid."),
    "ISSUE_NOT_FOUND": _l(
        "No letter or order was issued under this number (or the code does not match)."
    ),
    "TOO_MANY_SIGNATURES": _l(
        "This PDF carries more than 20 signatures: it is too many to check here."
    ),
    "RATE_LIMITED": _l("Too many attempts. Please wait a little and try again."),
    "SIGNING_NOT_FOUND": _l("No such signing is waiting for you."),
    "SIGNING_EXPIRED": _l("This signing expired. Prepare it again and sign within ten minutes."),
    "SIGNING_ALREADY_COMPLETED": _l("This signing was already completed."),
    "SIGNING_NOT_CURRENT": _l(
        "The draft changed after this signing was prepared (a new version, another signature, "
        "or it was issued). Nothing was signed: prepare the signature again from the file."
    ),
    "SIGNATURE_NOT_BY_YOUR_KEY": _l(
        "The signature was not made with the key of your enrolled DSC, or not over these bytes."
    ),
    "SIGNATURE_NOT_BASE64": _l("The signature must be base64."),
    "SEAL_NOT_CONFIGURED": _l("The office seal is not set up on this server."),
    "WRONG_PASSWORD": _l("That is not your password."),
    "REAUTH_NEEDED": _l(
        "Enter your password again to sign, or the code from your authenticator app if you use one."
    ),
    "GRADING_ABOVE_FILE": _l(
        "This paper is graded higher than the file: put it in a file of its own grading."
    ),
    "DSC_REVOKED": _l(
        "Your DSC has been revoked by its certifying authority: it can no longer sign."
    ),
    "CANNOT_SIGN": _l("The document could not be signed."),
    "NOTHING_SIGNED": _l("This PDF has no signature to verify."),
    "NO_ROOM_FOR_STAMP": _l("There is no room left on the last page for another signature."),
    "PDF_ENCRYPTED": _l("The PDF is password-protected: upload it without the password."),
    "SIGNATURE_FIELD_TAKEN": _l("That signature field is already signed."),
    "UNSUPPORTED_KEY_TYPE": _l("Only RSA and elliptic-curve keys can sign."),
    "VALIDATION_DATA_UNAVAILABLE": _l(
        "The certificate's revocation status could not be established."
    ),
    "MERGE_WITH_ITSELF": _l("A file cannot be merged with itself."),
    "ONLY_PHYSICAL_MERGED": _l("Only physical files can be merged; link e-files instead."),
    "MERGE_SECTIONS_DIFFER": _l("Only files of the same section of one office can be merged."),
    "MERGE_GRADINGS_DIFFER": _l("Files of different security gradings cannot be merged."),
    "ONLY_PHYSICAL_RECORDED": _l("Only physical files go to the record room."),
    "REVIEW_DATE_INVALID": _l(
        "The review date must be after today, and for category C within 10 years."
    ),
    "INTERNAL": _l("Something went wrong on our side. Please try again."),
    "CURSOR_INVALID": _l(
        "This feed cursor is not one we gave out. Pull again without a cursor to start afresh."
    ),
    "CURSOR_EXPIRED": _l(
        "This feed cursor is too old. Pull again without a cursor to start afresh."
    ),
    "CURSOR_OTHER_SCOPE": _l(
        "This feed cursor was given for another scope. Pull again without a cursor to start afresh."
    ),
    "UNKNOWN_FORMAT": _l("Reports come as JSON, CSV or XLSX."),
    "MONTH_INVALID": _l("A month is written YYYY-MM, as 2026-03."),
    "UNKNOWN_LEVEL": _l(
        "Rows can be asked by child, office, post, department, or a level of the office tree "
        "there (district, range, zone, tehsil ...)."
    ),
    "DEPARTMENT_NOT_FOUND": _l("No such department."),
    "REGISTER_NOT_FOUND": _l("No such register: diary, files, dispatch or closed."),
    "BAD_POSTS": _l("The posts must be given as a list of post ids."),
    "INVALID_EMAIL": _l("This email address cannot be written to. Check it and try again."),
    "INVALID_MOBILE": _l("Give a 10-digit mobile number starting with 6, 7, 8 or 9."),
    "SMS_NOT_CONFIGURED": _l(
        "This office cannot send SMS yet: choose email, or ask the state team to set up SMS."
    ),
    "DELIVERY_NOT_FOUND": _l("No such email or SMS."),
    "DELIVERY_NOT_DEAD": _l(
        "This email or SMS is not on the dead-letter list: it went, or is still being tried."
    ),
    "LEAVE_YEAR_INVALID": _l("The year must be between 2000 and 2099."),
    "LEAVE_APPLICATION_NOT_FOUND": _l("No such leave application."),
    "LEAVE_NOT_SET_UP_FOR_DEPARTMENT": _l("Leave is not set up for your department yet."),
    "LEAVE_KIND_NOT_IN_DEPARTMENT": _l("Your department does not have this kind of leave."),
    "LEAVE_DATES_OUT_OF_ORDER": _l("The leave must end on or after the day it begins."),
    "LEAVE_DATES_OUT_OF_RANGE": _l("Leave can be asked for only in the years 2000 to 2099."),
    "LEAVE_HALF_DAY_ONE_DATE": _l("A half day begins and ends on the same date."),
    "LEAVE_HALF_DAY_NOT_ALLOWED": _l("This kind of leave cannot be taken for half a day."),
    "LEAVE_TOO_FAR_BACK": _l("This kind of leave cannot begin that far back."),
    "LEAVE_TOO_LONG": _l("This is more days than this kind of leave allows at one time."),
    "LEAVE_CERTIFICATE_REQUIRED": _l("Please attach the medical certificate."),
    "LEAVE_CERTIFICATE_NOT_UPLOADED": _l(
        "Please upload the medical certificate yourself: this one was not uploaded by you."
    ),
    "LEAVE_JOINS_HOLIDAY": _l(
        "This kind of leave cannot be joined to a holiday before or after it."
    ),
    "LEAVE_OVERLAPS": _l("You have already applied for leave on some of these days."),
    "LEAVE_BALANCE_SHORT": _l("You do not have enough days of this leave left."),
    "LEAVE_NO_OFFICER_TO_ACT": _l("There is no officer above you to take this application now."),
    "LEAVE_NO_POST_OF_YOURS": _l("You can apply for leave only from a post you hold yourself."),
    "LEAVE_ALREADY_DECIDED": _l("This leave application has already been decided."),
    "LEAVE_REASON_REQUIRED": _l("Please say why."),
    "LEAVE_SANCTION_NOT_RECOMMEND": _l(
        "You are the sanctioning officer for this leave: sanction it, reject it or return it."
    ),
    "LEAVE_NOT_SANCTIONING_LEVEL": _l(
        "This leave is sanctioned at a higher level: recommend it, reject it or return it."
    ),
    "LEAVE_NOT_RETURNED": _l("Only an application returned for correction can be corrected."),
    "LEAVE_ALREADY_TAKEN": _l("This leave is already over, so it cannot be cancelled."),
    "LEAVE_CURTAIL_DATE_OUTSIDE": _l(
        "The last day of leave taken must fall within the leave, before its end."
    ),
    "PERSON_UNKNOWN": _l("No one has this username or user id."),
    "PERSON_OUTSIDE_YOUR_OFFICES": _l("This person is not in an office you set up."),
    "LEAVE_OPENING_DUPLICATE_ROW": _l(
        "An earlier row already gives this person's balance of this kind."
    ),
    "LEAVE_OPENING_DAYS_INVALID": _l("The balance must be a number of days, zero or more."),
    "LEAVE_OPENING_DAYS_TOO_MANY": _l("The balance is more days than any leave can have."),
    "LEAVE_OPENING_DATE_OUT_OF_RANGE": _l("The date must be from the year 2000 up to today."),
    "LEAVE_ALREADY_JOINED": _l("You have already reported joining after this leave."),
    "LEAVE_NOT_SANCTIONED": _l("A joining report is made only after sanctioned leave."),
    "LEAVE_JOINING_BEFORE_START": _l("The day of joining must come after the leave began."),
    "LEAVE_JOINING_IN_FUTURE": _l("The day of joining cannot be later than today."),
    # full-text search
    "SEARCH_QUERY_TOO_LONG": _l("Search for at most 200 characters: a few words or a number."),
    "SEARCH_QUERY_EMPTY": _l("Type a word or a number to search for."),
    # Hindi typing
    "TYPING_MODE_UNKNOWN": _l("Choose a way of typing Hindi: off, phonetic or inscript."),
    # the record room: legacy files uploaded in batches
    "RECORDS_UPLOAD_MISSING": _l("Please choose a ZIP, a sheet or a PDF to upload."),
    "RECORDS_UPLOAD_UNREADABLE": _l("The upload could not be read."),
    "RECORDS_ZIP_BROKEN": _l("The ZIP is damaged or locked with a password, and cannot be read."),
    "RECORDS_ZIP_TOO_LARGE": _l(
        "The ZIP unpacks to far more than it holds (or to more than 200 MB): it is refused."
    ),
    "RECORDS_ZIP_UNSAFE_PATH": _l("The ZIP names a file outside its own folder: it is refused."),
    "RECORDS_ZIP_NO_SHEET": _l("The ZIP must hold its sheet, records.xlsx or records.csv."),
    "RECORDS_ZIP_NAME_REPEATED": _l("The ZIP holds two PDFs of the same name."),
    "RECORDS_BATCH_NOT_FOUND": _l("No such batch."),
    "RECORDS_NOT_A_PDF": _l("Only PDFs can be added to a batch."),
    "RECORDS_SCAN_NOT_IN_BATCH": _l("The batch's sheet names no PDF of this name."),
    "RECORDS_DATE_INVALID": _l("Dates must be written YYYY-MM-DD."),
    "LEGACY_CELL_FORMULA": _l("A cell of this row holds a formula: type the value itself."),
    "LEGACY_OLD_NUMBER_MISSING": _l("The old file number is missing."),
    "LEGACY_OLD_NUMBER_TOO_LONG": _l("The old file number is longer than 120 characters."),
    "LEGACY_OLD_NUMBER_REPEATED": _l("The sheet names this old file number on an earlier row."),
    "LEGACY_SUBJECT_MISSING": _l("The subject is missing (or longer than 1,000 characters)."),
    "LEGACY_YEAR_INVALID": _l("The year must be written in four digits, from 1800 up to now."),
    "LEGACY_CATEGORY_INVALID": _l("The retention category must be A, B or C."),
    "LEGACY_GRADING_INVALID": _l("The grading must be normal, confidential, secret or top secret."),
    "LEGACY_SCAN_MISSING": _l("The PDF this row names is not in the upload."),
    "LEGACY_SCAN_NOT_PDF": _l("The file this row names is not a PDF."),
    "LEGACY_SCAN_TOO_LARGE": _l("The PDF is larger than 20 MB."),
    "LEGACY_SCAN_BROKEN": _l("The PDF is damaged and cannot be read."),
    "LEGACY_SCAN_ENCRYPTED": _l("The PDF is locked with a password: upload it unlocked."),
    "LEGACY_DUPLICATE_OLD_NUMBER": _l(
        "This old file number is already recorded here with a different scan."
    ),
}


def message_for(code: str) -> str:
    return str(MESSAGES.get(code, MESSAGES["INTERNAL"]))
